/**
 * @file The app in Safari's engine (WebKitGTK's MiniBrowser, driven over WebDriver): the WASM
 * path and the "no WebGPU" branch of the probe, uploads of audio and video, a subtitle export,
 * and history across a reload.
 */
import { writeFileSync } from 'node:fs';
import { extensionForMimeType, pickRecordingType, RECORDING_TYPES } from '../../src/lib/browser/recording-format';
import { evalAudioPath, recording } from '../support/eval-audio';
import { layoutProblems, SCREEN_SIZES } from '../support/layout';
import { ffmpeg, makeVideo } from '../support/media';
import { wordErrorRate } from '../support/wer';
import { expect, test, type WebKitBrowser } from './webkit';

const TRANSCRIBE_TIMEOUT_MS = 5 * 60_000;
const byTestId = (id: string) => `[data-testid="${id}"]`;

/**
 * Sizes the window so that the page is `width` CSS pixels wide (the window's frame adds some), and
 * gives the width the page got. The window resizes after setWindowSize answers: each step waits
 * until the page's width holds still.
 */
async function pageWidth(webkit: WebKitBrowser, width: number, height: number): Promise<number> {
	const settled = async () => {
		let last = -1;
		for (let i = 0; i < 30; i++) {
			const now = await webkit.execute(() => window.innerWidth);
			if (now === last) return now;
			last = now;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		return last;
	};
	await webkit.setWindowSize(width, height);
	const inner = await settled();
	const outer = await webkit.execute(() => window.outerWidth);
	if (inner !== width) {
		await webkit.setWindowSize(width + outer - inner, height);
		return settled();
	}
	return inner;
}

/**
 * Opens the options panel (it starts closed behind its summary line) unless it is open. Whether it
 * is open comes back from the saved settings a moment after the page loads, and a click in that
 * moment can be undone by them (or close a panel they reopen): click until the model list shows.
 */
async function openOptions(webkit: WebKitBrowser): Promise<void> {
	const select = webkit.$(byTestId('model-select'));
	await webkit.waitUntil(
		async () => {
			if ((await select.isDisplayed()) && (await select.isEnabled())) return true;
			if (!(await webkit.$(byTestId('options')).getProperty('open'))) await webkit.$(byTestId('options-summary')).click();
			return false;
		},
		{ timeout: 15_000, interval: 500, timeoutMsg: 'the options panel did not stay open' }
	);
}

/** Picks a model and hands the file to the page's file input, as a person choosing it would. */
async function transcribe(webkit: WebKitBrowser, model: string, file: string): Promise<string> {
	await openOptions(webkit);
	await webkit.$(byTestId('model-select')).selectByAttribute('value', model);
	// addValue, not setValue: the input is visually hidden, and setValue would try to clear it.
	await webkit.$(byTestId('file-input')).addValue(file);
	await webkit.$(byTestId('segments')).waitForDisplayed({ timeout: TRANSCRIBE_TIMEOUT_MS });
	return (await webkit.$$(byTestId('segment-text')).map((segment) => segment.getText())).join(' ');
}

/** The text the page hands to the browser's download (MiniBrowser has no download folder). */
async function downloadedText(webkit: WebKitBrowser, format: string): Promise<{ name: string; text: string }> {
	await webkit.execute(() => {
		const original = URL.createObjectURL;
		const captured = window as unknown as { koeDownload?: Promise<string> };
		URL.createObjectURL = (blob: Blob | MediaSource) => {
			captured.koeDownload = (blob as Blob).text();
			return original(blob);
		};
		HTMLAnchorElement.prototype.click = new Proxy(HTMLAnchorElement.prototype.click, {
			apply(target, link: HTMLAnchorElement, args) {
				(window as unknown as { koeDownloadName?: string }).koeDownloadName = link.download;
				return Reflect.apply(target, link, args);
			}
		});
	});
	await webkit.$(byTestId(`download-${format}`)).click();
	return webkit.execute(async () => {
		const page = window as unknown as { koeDownload?: Promise<string>; koeDownloadName?: string };
		return { name: page.koeDownloadName ?? '', text: (await page.koeDownload) ?? '' };
	});
}

test('transcribes JFK on the WASM path, says why there is no WebGPU, and exports srt that ffmpeg reads', async ({ webkit }, testInfo) => {
	const jfk = recording('en_jfk.wav');
	await webkit.url('/');
	const info = await webkit.execute(() => ({ agent: navigator.userAgent, isolated: crossOriginIsolated, gpu: 'gpu' in navigator }));
	expect(info.agent).toContain('AppleWebKit/605.1.15');
	expect(info.gpu).toBe(false);
	expect(info.isolated).toBe(true);
	await expect.poll(() => webkit.$(byTestId('device-label')).getText()).toBe('WASM');
	// WebKitGTK is isolated but offers no SharedArrayBuffer: the page must say WASM runs on one thread.
	await expect.poll(() => webkit.$(byTestId('device-reason')).getText()).toContain('no WebGPU');
	expect(await webkit.$(byTestId('device-reason')).getText()).toContain('runs on one thread');

	const started = Date.now();
	const text = await transcribe(webkit, 'tiny.en', await evalAudioPath(jfk.file));
	const summary = await webkit.$(byTestId('summary')).getText();
	console.log(`[webkit] ${summary} (${((Date.now() - started) / 1000).toFixed(1)} s from choosing the file)\n[webkit] ${text}`);
	expect(wordErrorRate(jfk.reference, text), `transcript: ${text}`).toBeLessThanOrEqual(0.1);

	const srt = await downloadedText(webkit, 'srt');
	expect(srt.name).toBe('en_jfk.srt');
	const srtPath = testInfo.outputPath('jfk.srt');
	writeFileSync(srtPath, srt.text);
	ffmpeg('-i', srtPath, '-f', 'srt', testInfo.outputPath('roundtrip.srt'));
	expect(srt.text).toMatch(/^1\n00:00:00,\d{3} --> 00:00:\d\d,\d{3}\n.*ask\s+not\s+what\s+your\s+country/s);
});

test('transcribes the sound of a video file', async ({ webkit }, testInfo) => {
	const video = makeVideo(await evalAudioPath('en_jfk.wav'), testInfo.outputPath('talk.mp4'));
	await webkit.url('/');
	const text = await transcribe(webkit, 'tiny.en', video);
	expect(text.toLowerCase()).toContain('ask not what your country can do for you');
});

test('keeps the history across a reload', async ({ webkit }) => {
	const timit = recording('en_ldc93s1_timit.wav');
	await webkit.url('/');
	const heard = await transcribe(webkit, 'tiny.en', await evalAudioPath(timit.file));
	await webkit.refresh();
	const entry = webkit.$(`${byTestId('history-entry')}*=${timit.file}`);
	await entry.waitForDisplayed();
	await entry.$(byTestId('history-open')).click();
	await webkit.$(byTestId('segment-text')).waitForDisplayed();
	expect((await webkit.$$(byTestId('segment-text')).map((segment) => segment.getText())).join(' ')).toBe(heard);
});

test('records in a format this engine offers, and names the file for it', async ({ webkit }) => {
	await webkit.url('/');
	// WebKitGTK here has no microphone to capture, so ask the engine what MediaRecorder supports
	// and check that the page's choice of type and file name holds up against its answers.
	const supported = await webkit.execute(
		(types: readonly string[]) => types.filter((type) => typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type)),
		RECORDING_TYPES
	);
	console.log(`[webkit] MediaRecorder types: ${supported.join(', ') || 'none'}`);
	const chosen = pickRecordingType((type) => supported.includes(type));
	if (supported.length === 0) {
		// This build records nothing: the page must say so instead of failing silently.
		expect(chosen).toBe('');
		await webkit.$(byTestId('record-start')).click();
		await expect.poll(() => webkit.$(byTestId('record-error')).getText()).toContain('cannot record audio');
	} else {
		expect(supported).toContain(chosen);
		expect(['webm', 'm4a', 'ogg']).toContain(extensionForMimeType(chosen));
	}
});

test('edits in the review view (replace, undo, split, shift) and exports the subtitle layout chosen, lrc too', async ({
	webkit
}, testInfo) => {
	await webkit.url('/');
	await openOptions(webkit);
	await webkit.$(byTestId('subtitle-layout')).$('summary').click();
	await webkit.$(byTestId('layout-line-count')).setValue('1');
	await webkit.$(byTestId('layout-line-width')).setValue('24');
	await webkit.$(byTestId('layout-line-count')).click(); // the width's change event fires as it loses focus
	const original = (await transcribe(webkit, 'tiny.en', await evalAudioPath('en_jfk.wav'))).replace(/\s+/g, ' ');
	const lines = async () => (await webkit.$$(byTestId('segment-text')).map((segment) => segment.getText())).join(' ').replace(/\s+/g, ' ');

	await webkit.$(byTestId('find-input')).setValue('country');
	await webkit.$(byTestId('replace-input')).setValue('nation');
	await webkit.$(byTestId('replace-all')).click();
	await expect.poll(() => webkit.$(byTestId('replace-count')).getText()).toBe('2 replaced');
	expect(await lines()).toBe(original.replaceAll('country', 'nation'));
	await webkit.$(byTestId('undo')).click();
	await expect.poll(lines).toBe(original);
	await webkit.$(byTestId('redo')).click();
	await expect.poll(lines).toBe(original.replaceAll('country', 'nation'));

	const count = await webkit.$$(byTestId('segment-text')).length;
	await webkit.$(byTestId('segment-edit')).click();
	await webkit.execute(() => (document.querySelector('[data-testid="segment-editor"]') as HTMLTextAreaElement).setSelectionRange(6, 6));
	await webkit.$(byTestId('segment-split')).click();
	await expect.poll(() => webkit.$$(byTestId('segment-text')).length).toBe(count + 1);

	const firstTime = async () => webkit.$(`${byTestId('segment')} .time`).getText();
	const before = await firstTime();
	await webkit.$(byTestId('shift-seconds')).setValue('2');
	await webkit.$(byTestId('shift-apply')).click();
	await expect.poll(firstTime).not.toBe(before);

	const srt = await downloadedText(webkit, 'srt');
	const srtPath = testInfo.outputPath('edited.srt');
	writeFileSync(srtPath, srt.text);
	ffmpeg('-i', srtPath, '-f', 'srt', testInfo.outputPath('edited-again.srt'));
	const cueLines = srt.text.split('\n').filter((line) => line && !/^\d+$/.test(line) && !line.includes(' --> '));
	expect(cueLines.join(' ')).toContain('nation');
	for (const line of cueLines) if (line.includes(' ')) expect(line.length, line).toBeLessThanOrEqual(24);
	expect(srt.text).toMatch(/^1\n00:00:02,\d{3} --> /); // shifted by 2 s
	const lrc = await downloadedText(webkit, 'lrc');
	expect(lrc.name).toBe('en_jfk.lrc');
	expect(lrc.text).toMatch(/^\[by:Koe\]\n\[00:02\.\d\d\]And so/);
});

test('holds its layout at a phone, tablet and laptop size, options open and closed, in English and Chinese', async ({ webkit }) => {
	await webkit.url('/');
	await webkit.$(byTestId('device-label')).waitForDisplayed();
	for (const locale of ['en', 'zh-CN']) {
		await webkit.$(byTestId('ui-language')).selectByAttribute('value', locale);
		for (const open of [false, true]) {
			if (open) await openOptions(webkit);
			for (const size of SCREEN_SIZES) {
				const width = await pageWidth(webkit, size.width, size.height);
				// MiniBrowser's toolbar keeps its window wider than a phone (the page can't be framed: X-Frame-Options):
				// the phone size is checked at the narrowest width it allows.
				if (size.name === 'phone') expect(width).toBeLessThan(480);
				else expect(width, `${size.name} width`).toBe(size.width);
				expect(await webkit.execute(layoutProblems), `${locale}, options ${open ? 'open' : 'closed'}, ${size.name} (${width} px)`).toEqual(
					[]
				);
			}
		}
		await webkit.$(byTestId('options-summary')).click();
	}
});
