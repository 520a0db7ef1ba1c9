import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES } from '$lib/core/languages';
import { OUTPUT_FORMATS } from '$lib/core/writers';
import { ApiError } from '$lib/server/api/errors';
import { openApiDocument, type Schema } from '$lib/server/api/openapi';
import { parseAsrQuery, parseDetectQuery, parseOpenAiForm } from '$lib/server/api/params';
import { GET as getOpenApi } from '../../src/routes/openapi.json/+server';
import { GET as getDocs } from '../../src/routes/docs/+server';
import { GET as getDocsAsset } from '../../src/routes/docs/assets/[file]/+server';

const query = (search: string) => new URLSearchParams(search);

/** The ApiError a call throws (fails the test when it throws nothing or something else). */
function failure(call: () => unknown): ApiError {
	try {
		call();
	} catch (error) {
		if (error instanceof ApiError) return error;
		throw error;
	}
	throw new Error('expected an ApiError');
}

describe('parseAsrQuery', () => {
	it('has whisper-asr-webservice\'s defaults', () => {
		expect(parseAsrQuery(query(''))).toEqual({
			encode: true,
			task: 'transcribe',
			language: null,
			initialPrompt: null,
			vadFilter: false,
			wordTimestamps: false,
			beamSize: null,
			output: 'txt',
			outputExtension: 'txt'
		});
	});

	it('reads every option', () => {
		const options = parseAsrQuery(query('encode=false&task=translate&language=de&initial_prompt=Hallo&vad_filter=true&word_timestamps=1&beam_size=5&output=srt'));
		expect(options).toEqual({
			encode: false,
			task: 'translate',
			language: 'de',
			initialPrompt: 'Hallo',
			vadFilter: true,
			wordTimestamps: true,
			beamSize: 5,
			output: 'srt',
			outputExtension: 'srt'
		});
	});

	it('accepts pydantic\'s boolean spellings in any case', () => {
		for (const spelling of ['true', 'TRUE', '1', 'yes', 'On', 't', 'Y']) expect(parseAsrQuery(query(`vad_filter=${spelling}`)).vadFilter).toBe(true);
		for (const spelling of ['false', 'False', '0', 'no', 'OFF', 'f', 'n']) expect(parseAsrQuery(query(`encode=${spelling}`)).encode).toBe(false);
	});

	it('refuses another boolean with a 400 naming the parameter', () => {
		const error = failure(() => parseAsrQuery(query('encode=maybe')));
		expect(error.status).toBe(400);
		expect(error.param).toBe('encode');
		expect(error.message).toBe('Invalid value "maybe" for parameter "encode": expected true or false.');
		expect(failure(() => parseAsrQuery(query('word_timestamps='))).param).toBe('word_timestamps');
	});

	it('refuses a beam size that is not a whole number from 1 to 16', () => {
		for (const beams of ['0', '17', '2.5', 'wide']) {
			const error = failure(() => parseAsrQuery(query(`beam_size=${beams}`)));
			expect(error.status).toBe(400);
			expect(error.param).toBe('beam_size');
		}
	});

	it('lets the last of a repeated key win', () => {
		expect(parseAsrQuery(query('output=srt&output=vtt')).output).toBe('vtt');
		expect(parseAsrQuery(query('encode=false&encode=true')).encode).toBe(true);
	});

	it('takes language codes, names and aliases in any case; empty is auto', () => {
		expect(parseAsrQuery(query('language=EN')).language).toBe('en');
		expect(parseAsrQuery(query('language=English')).language).toBe('en');
		expect(parseAsrQuery(query('language=castilian')).language).toBe('es');
		expect(parseAsrQuery(query('language=mandarin')).language).toBe('zh');
		expect(parseAsrQuery(query('language=haitian%20creole')).language).toBe('ht');
		expect(parseAsrQuery(query('language=')).language).toBeNull();
	});

	it('refuses an unknown language with a 400 that lists the codes', () => {
		const error = failure(() => parseAsrQuery(query('language=klingon')));
		expect(error.status).toBe(400);
		expect(error.param).toBe('language');
		expect(error.message).toContain('"klingon"');
		expect(error.message).toContain([...LANGUAGE_CODES].sort().join(', '));
	});

	it('refuses an unknown task, listing the allowed ones', () => {
		const error = failure(() => parseAsrQuery(query('task=summarize')));
		expect(error.status).toBe(400);
		expect(error.param).toBe('task');
		expect(error.message).toContain('one of: transcribe, translate');
	});

	it('serves an unknown output as txt but keeps the extension sent', () => {
		expect(parseAsrQuery(query('output=text'))).toMatchObject({ output: 'txt', outputExtension: 'text' });
		expect(parseAsrQuery(query('output='))).toMatchObject({ output: 'txt', outputExtension: '' });
		expect(parseAsrQuery(query('output=json'))).toMatchObject({ output: 'json', outputExtension: 'json' });
	});

	it('treats an empty initial_prompt as none and keeps any other as sent', () => {
		expect(parseAsrQuery(query('initial_prompt=')).initialPrompt).toBeNull();
		expect(parseAsrQuery(query('initial_prompt=%20Names%3A%20Koe')).initialPrompt).toBe(' Names: Koe');
	});
});

describe('parseDetectQuery', () => {
	it('reads encode only', () => {
		expect(parseDetectQuery(query(''))).toEqual({ encode: true });
		expect(parseDetectQuery(query('encode=false&output=srt'))).toEqual({ encode: false });
		expect(failure(() => parseDetectQuery(query('encode=2'))).param).toBe('encode');
	});
});

describe('parseOpenAiForm', () => {
	it('has OpenAI\'s defaults', () => {
		expect(parseOpenAiForm({ model: 'whisper-1' }, 'transcriptions')).toEqual({
			model: 'whisper-1',
			language: null,
			prompt: null,
			responseFormat: 'json',
			temperature: 0,
			beamSize: null,
			granularities: ['segment']
		});
	});

	it('reads every field, as openai-node sends them', () => {
		const options = parseOpenAiForm(
			{ model: 'whisper-1', language: 'fr', prompt: 'Bonjour', response_format: 'verbose_json', temperature: '0.4', beam_size: '5', 'timestamp_granularities[]': ['word', 'segment'] },
			'transcriptions'
		);
		expect(options).toEqual({ model: 'whisper-1', language: 'fr', prompt: 'Bonjour', responseFormat: 'verbose_json', temperature: 0.4, beamSize: 5, granularities: ['word', 'segment'] });
	});

	it('needs a model', () => {
		for (const fields of [{}, { model: '' }] as Record<string, string>[]) {
			const error = failure(() => parseOpenAiForm(fields, 'transcriptions'));
			expect(error.status).toBe(400);
			expect(error.param).toBe('model');
			expect(error.message).toContain('whisper-1');
		}
	});

	it('refuses an unknown response_format (no fallback on /v1)', () => {
		const error = failure(() => parseOpenAiForm({ model: 'whisper-1', response_format: 'tsv' }, 'transcriptions'));
		expect(error.status).toBe(400);
		expect(error.param).toBe('response_format');
		expect(error.message).toContain('json, text, srt, verbose_json, vtt');
	});

	it('refuses a temperature that is not a number from 0 to 1', () => {
		for (const temperature of ['1.5', '-0.1', 'hot', '0x1', 'Infinity']) {
			const error = failure(() => parseOpenAiForm({ model: 'whisper-1', temperature }, 'transcriptions'));
			expect(error.param).toBe('temperature');
			expect(error.message).toContain('a number from 0 to 1');
		}
		expect(parseOpenAiForm({ model: 'whisper-1', temperature: '1' }, 'translations').temperature).toBe(1);
	});

	it('checks timestamp granularities, under either field name', () => {
		const verbose = { model: 'whisper-1', response_format: 'verbose_json' };
		expect(parseOpenAiForm({ ...verbose, timestamp_granularities: 'word' }, 'transcriptions').granularities).toEqual(['word']);
		expect(parseOpenAiForm({ ...verbose, 'timestamp_granularities[]': 'word,segment' }, 'transcriptions').granularities).toEqual(['word', 'segment']);
		const error = failure(() => parseOpenAiForm({ ...verbose, 'timestamp_granularities[]': ['segment', 'sentence'] }, 'transcriptions'));
		expect(error.param).toBe('timestamp_granularities[]');
		expect(error.message).toContain('"sentence"');
		expect(error.message).toContain('word, segment');
	});

	it('refuses word timestamps outside verbose_json, as OpenAI does', () => {
		const error = failure(() => parseOpenAiForm({ model: 'whisper-1', 'timestamp_granularities[]': 'word' }, 'transcriptions'));
		expect(error.status).toBe(400);
		expect(error.param).toBe('timestamp_granularities[]');
		expect(error.message).toContain('verbose_json');
	});

	it('normalizes the language and refuses an unknown one with the codes', () => {
		expect(parseOpenAiForm({ model: 'whisper-1', language: 'German' }, 'transcriptions').language).toBe('de');
		const error = failure(() => parseOpenAiForm({ model: 'whisper-1', language: 'xx' }, 'transcriptions'));
		expect(error.param).toBe('language');
		expect(error.message).toContain([...LANGUAGE_CODES].sort().join(', '));
	});

	it('ignores language and granularities on translations', () => {
		const options = parseOpenAiForm({ model: 'whisper-1', language: 'klingon', 'timestamp_granularities[]': 'word' }, 'translations');
		expect(options.language).toBeNull();
		expect(options.granularities).toEqual(['segment']);
	});

	it('ignores fields it does not know (stream, include[])', () => {
		expect(parseOpenAiForm({ model: 'whisper-1', stream: 'true', 'include[]': 'logprobs' }, 'transcriptions').model).toBe('whisper-1');
	});
});

/** Every value in a tree, with the JSON pointer that reaches it. */
function* walk(node: unknown, pointer = ''): Generator<[string, unknown]> {
	yield [pointer, node];
	if (node && typeof node === 'object') {
		for (const [key, child] of Object.entries(node)) yield* walk(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
	}
}

function lookUp(pointer: string): unknown {
	return pointer
		.slice(2)
		.split('/')
		.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], openApiDocument);
}

const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation! })));
const asrParameter = (name: string) => openApiDocument.components.parameters[name]!.schema;

describe('the OpenAPI document', () => {
	it('is OpenAPI 3.1 with the server\'s identity', () => {
		expect(openApiDocument.openapi).toBe('3.1.0');
		expect(openApiDocument.info).toMatchObject({ title: 'Koe', version: '0.1.0' });
		expect(JSON.parse(JSON.stringify(openApiDocument))).toEqual(openApiDocument);
		expect(Object.isFrozen(openApiDocument.components.parameters)).toBe(true);
	});

	it('describes every endpoint, each with a unique operationId, a tag and responses', () => {
		expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual(
			[
				'POST /asr',
				'POST /detect-language',
				'POST /asr/async',
				'GET /tasks/{task_id}',
				'POST /v1/audio/transcriptions',
				'POST /v1/audio/translations',
				'GET /v1/models',
				'GET /health'
			].sort()
		);
		const ids = operations.map(({ operation }) => operation.operationId);
		expect(ids.every((id) => /^[A-Za-z]+$/.test(id))).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
		const declaredTags = openApiDocument.tags.map((tag) => tag.name);
		for (const { operation } of operations) {
			expect(operation.tags.every((tag) => declaredTags.includes(tag))).toBe(true);
			expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
		}
		expect(openApiDocument.paths['/asr']!.post!.tags).toEqual(['Endpoints']);
		expect(openApiDocument.paths['/v1/audio/transcriptions']!.post!.tags).toEqual(['OpenAI compatible']);
	});

	it('resolves every $ref', () => {
		const refs = [...walk(openApiDocument)].filter(([pointer]) => pointer.endsWith('/$ref')).map(([, value]) => value as string);
		expect(refs.length).toBeGreaterThan(20);
		for (const ref of refs) {
			expect(ref.startsWith('#/'), ref).toBe(true);
			expect(lookUp(ref), ref).toBeDefined();
		}
	});

	it('declares each path template\'s parameters and each security scheme it uses', () => {
		const getTask = openApiDocument.paths['/tasks/{task_id}']!.get!;
		expect(getTask.parameters?.map((parameter) => lookUp((parameter as { $ref: string }).$ref))).toContainEqual(expect.objectContaining({ name: 'task_id', in: 'path', required: true }));
		for (const { operation } of operations) {
			for (const requirement of operation.security ?? []) {
				for (const scheme of Object.keys(requirement)) expect(openApiDocument.components.securitySchemes[scheme]).toMatchObject({ type: 'http', scheme: 'bearer' });
			}
		}
		expect(openApiDocument.paths['/health']!.get!.security).toEqual([]);
	});

	it('takes /asr\'s file as a binary multipart part named audio_file', () => {
		const body = lookUp((openApiDocument.paths['/asr']!.post!.requestBody as { $ref: string }).$ref) as { content: Record<string, { schema: Schema }> };
		const schema = body.content['multipart/form-data']!.schema;
		expect(schema.required).toEqual(['audio_file']);
		expect(schema.properties!.audio_file).toMatchObject({ type: 'string', format: 'binary' });
	});

	it('takes its enums from the tables that own them', () => {
		expect(asrParameter('language').enum).toEqual([...LANGUAGE_CODES].sort());
		expect([...(asrParameter('language').enum ?? [])].sort()).toEqual([...LANGUAGE_CODES].sort());
		expect(asrParameter('output').enum).toEqual(Object.keys(OUTPUT_FORMATS));
		expect(openApiDocument.components.schemas.DetectedLanguage!.properties!.language_code!.enum).toEqual([...LANGUAGE_CODES].sort());
	});

	it('has schemas that are valid JSON Schema 2020-12 and describe real bodies', () => {
		const ajv = new Ajv2020({ strict: false, validateFormats: false });
		ajv.addSchema(openApiDocument, 'openapi');
		for (const name of Object.keys(openApiDocument.components.schemas)) {
			expect(ajv.getSchema(`openapi#/components/schemas/${name}`), name).toBeDefined();
		}
		const valid = (name: string, body: unknown) => ajv.getSchema(`openapi#/components/schemas/${name}`)!(body);
		expect(valid('AsrError', { status: 'error', code: 400, message: 'x' })).toBe(true);
		expect(valid('OpenAIError', { error: { message: 'x', type: 'invalid_request_error', param: null, code: null } })).toBe(true);
		expect(valid('OpenAIError', { error: { message: 'x' } })).toBe(false);
		expect(valid('DetectedLanguage', { detected_language: 'english', language_code: 'en', confidence: 0.98 })).toBe(true);
		expect(valid('Task', { task_id: 'a', status: 'done', progress: 1, output: 'json', created_at: 'x', updated_at: 'y', result: { text: '', segments: [], language: 'en' } })).toBe(true);
		expect(valid('ModelList', { object: 'list', data: [{ id: 'whisper-1', object: 'model', created: 0, owned_by: 'koe' }] })).toBe(true);
		expect(valid('OpenAIVerboseTranscription', { task: 'transcribe', language: 'english', duration: 1, text: 'Hi', words: [{ word: 'Hi', start: 0, end: 0.5 }] })).toBe(true);
	});
});

describe('the /openapi.json and /docs routes', () => {
	const event = (params: Record<string, string> = {}) => ({ params }) as never;

	it('serves the document as JSON', async () => {
		const response = await getOpenApi(event());
		expect(response.headers.get('Content-Type')).toBe('application/json');
		expect(await response.json()).toEqual(openApiDocument);
	});

	it('serves Swagger UI from our own origin, pointed at /openapi.json', async () => {
		const response = await getDocs(event());
		expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
		const html = await response.text();
		expect(html).toMatch(/src="docs\/assets\/swagger-ui-bundle\.js\?v=[\d.]+"/);
		expect(html).toMatch(/href="docs\/assets\/swagger-ui\.css\?v=[\d.]+"/);
		expect(html).toContain("url: 'openapi.json'");
		expect(html).toContain('defaultModelsExpandDepth: -1');
		expect(html).not.toMatch(/https?:\/\//);
	});

	it('serves the allowed swagger-ui-dist files only, cached for good', async () => {
		const css = await getDocsAsset(event({ file: 'swagger-ui.css' }));
		expect(css.headers.get('Content-Type')).toBe('text/css; charset=utf-8');
		expect(css.headers.get('Cache-Control')).toContain('immutable');
		expect((await css.text()).length).toBeGreaterThan(10_000);
		const js = await getDocsAsset(event({ file: 'swagger-ui-bundle.js' }));
		expect(js.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
		for (const file of ['package.json', '../package.json', 'index.js', 'toString']) {
			await expect(getDocsAsset(event({ file }))).rejects.toMatchObject({ status: 404 });
		}
	});
});
