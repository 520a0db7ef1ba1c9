import { describe, expect, it } from 'vitest';
import {
	EngineFailure,
	engineFailure,
	failureOf,
	historyFailure,
	MediaError,
	recovery,
	RETRYABLE,
	workerLost
} from '$lib/browser/failures';
import { failureText, LOCALES } from '$lib/browser/i18n/messages';

/** What a WASM heap that cannot grow, or a browser that refuses memory, makes the engine throw. */
const OUT_OF_MEMORY_TEXTS = [
	"Can't create a session. failed to allocate a buffer of size 10085984.",
	'RuntimeError: Aborted(OOM). Build with -sASSERTIONS for more info.',
	'std::bad_alloc',
	'RangeError: Array buffer allocation failed',
	'RangeError: WebAssembly.Memory(): could not allocate memory',
	'Device was lost: out of memory'
];

const abort = () => new DOMException('Cancelled', 'AbortError');

describe('engine failures', () => {
	it('tells running out of memory from other load failures by its words', () => {
		for (const text of OUT_OF_MEMORY_TEXTS) {
			expect((engineFailure(new Error(text), 'load', true) as EngineFailure).code, text).toBe('out-of-memory');
			expect((engineFailure(new Error(text), 'transcribe', true) as EngineFailure).code, text).toBe('out-of-memory');
		}
		const cut = 'Failed to load model because protobuf parsing failed.';
		expect((engineFailure(new Error(cut), 'load', true) as EngineFailure).code).toBe('model-load');
		expect((engineFailure(new Error(cut), 'load', false) as EngineFailure).code).toBe('model-offline');
		expect((engineFailure(new Error('Aborted(). Build with -sASSERTIONS'), 'transcribe', true) as EngineFailure).code).toBe('transcribe');
		const cancelled = abort();
		expect(engineFailure(cancelled, 'transcribe', true)).toBe(cancelled);
	});

	it('words a worker that ended or threw outside a call', () => {
		expect(workerLost(undefined).code).toBe('worker-lost');
		expect(workerLost('Uncaught RuntimeError: Aborted(OOM). Build with -sASSERTIONS for more info.').code).toBe('out-of-memory');
		expect(workerLost('Uncaught TypeError: x is not a function').code).toBe('worker-lost');
	});

	it('replaces the worker after any failure but a cancel, and drops the files only when they were at fault', () => {
		expect(recovery(new EngineFailure('model-load', 'cut'), 'load')).toEqual({ restart: true, evict: true });
		expect(recovery(new EngineFailure('model-offline', 'offline'), 'load')).toEqual({ restart: true, evict: false });
		expect(recovery(new EngineFailure('out-of-memory', 'oom'), 'load')).toEqual({ restart: true, evict: false });
		expect(recovery(new EngineFailure('out-of-memory', 'oom'), 'transcribe')).toEqual({ restart: true, evict: false });
		expect(recovery(new EngineFailure('worker-lost', 'gone'), 'transcribe')).toEqual({ restart: true, evict: false });
		expect(recovery(new EngineFailure('transcribe', 'Aborted()'), 'transcribe')).toEqual({ restart: true, evict: false });
		expect(recovery(abort(), 'transcribe')).toEqual({ restart: false, evict: false });
	});
});

describe('failures the page words', () => {
	it('keeps the error text apart from the message, as technical detail', () => {
		const failure = failureOf(new EngineFailure('model-load', 'protobuf parsing failed'), 'loading');
		expect(failure).toEqual({ code: 'model-load', technical: 'protobuf parsing failed' });
		expect(failureText(LOCALES.en, failure)).not.toContain('protobuf');
		expect(failureOf(new Error('RuntimeError: Aborted(CompileError)'), 'decoding')).toEqual({
			code: 'decode',
			technical: 'RuntimeError: Aborted(CompileError)'
		});
		expect(failureOf(new MediaError('image', 'A picture.'), 'decoding')).toEqual({ code: 'image' });
		const cause = new Error('Aborted(CompileError: WebAssembly.instantiate(): section extends past end of the module)');
		expect(failureOf(new MediaError('decoder-load', 'No decoder.', { cause }), 'decoding')).toEqual({
			code: 'decoder-load',
			technical: cause.message
		});
	});

	it('says storage is full when a history write exceeds the quota', () => {
		const quota = new DOMException('Quota exceeded.', 'QuotaExceededError');
		expect(historyFailure(quota)).toEqual({ code: 'storage-full', technical: 'Quota exceeded.' });
		expect(historyFailure(new DOMException('The transaction was aborted.', 'AbortError')).code).toBe('history-save');
	});

	it('offers a second try only where one may help', () => {
		for (const code of ['model-load', 'model-offline', 'out-of-memory', 'worker-lost', 'decoder-load'] as const)
			expect(RETRYABLE.has(code)).toBe(true);
		for (const code of ['empty', 'unreadable', 'no-audio', 'image', 'too-short', 'storage-full', 'no-route'] as const)
			expect(RETRYABLE.has(code)).toBe(false);
	});

	it('never shows raw engine or Emscripten text in a message, in either language', () => {
		const raw = /Aborted\(|RuntimeError|ERROR_CODE|local_files_only|undefined|\$\{/;
		for (const messages of Object.values(LOCALES))
			for (const [code, words] of Object.entries(messages.failures)) expect(words('x'), code).not.toMatch(raw);
	});
});
