import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES } from '$lib/core/languages';
import { apiFields, OPTION_LIST } from '$lib/core/options';
import { OUTPUT_FORMATS } from '$lib/core/writers';
import { errorCodesByStatus, openApiDocument, type Schema } from '$lib/server/api/openapi';
import { ERRORS } from '$lib/server/errors';
import { GET as getOpenApi } from '../../../../src/routes/openapi.json/+server';
import { GET as getDocs } from '../../../../src/routes/docs/+server';
import { GET as getDocsAsset } from '../../../../src/routes/docs/assets/[file]/+server';

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
		.reduce<unknown>(
			(node, key) => (node as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')],
			openApiDocument
		);
}

const operations = Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
	Object.entries(item).map(([method, operation]) => ({ path, method, operation: operation! }))
);
const asrParameter = (name: string) => openApiDocument.components.parameters[name]!.schema;

describe('the OpenAPI document', () => {
	it("is OpenAPI 3.1 with the server's identity", () => {
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
				'GET /health',
				'GET /metrics'
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

	it("declares each path template's parameters and each security scheme it uses", () => {
		const getTask = openApiDocument.paths['/tasks/{task_id}']!.get!;
		expect(getTask.parameters?.map((parameter) => lookUp((parameter as { $ref: string }).$ref))).toContainEqual(
			expect.objectContaining({ name: 'task_id', in: 'path', required: true })
		);
		for (const { operation } of operations) {
			for (const requirement of operation.security ?? []) {
				for (const scheme of Object.keys(requirement))
					expect(openApiDocument.components.securitySchemes[scheme]).toMatchObject({ type: 'http', scheme: 'bearer' });
			}
		}
		expect(openApiDocument.paths['/health']!.get!.security).toEqual([]);
		expect(openApiDocument.paths['/metrics']!.get!.security).toEqual([]);
	});

	it("takes /asr's file as a binary multipart part named audio_file", () => {
		const body = lookUp((openApiDocument.paths['/asr']!.post!.requestBody as { $ref: string }).$ref) as {
			content: Record<string, { schema: Schema }>;
		};
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
		expect(
			valid('Task', {
				task_id: 'a',
				status: 'done',
				progress: 1,
				output: 'json',
				created_at: 'x',
				updated_at: 'y',
				result: { text: '', segments: [], language: 'en' }
			})
		).toBe(true);
		expect(valid('ModelList', { object: 'list', data: [{ id: 'whisper-1', object: 'model', created: 0, owned_by: 'koe' }] })).toBe(true);
		expect(
			valid('OpenAIVerboseTranscription', {
				task: 'transcribe',
				language: 'english',
				duration: 1,
				text: 'Hi',
				words: [{ word: 'Hi', start: 0, end: 0.5 }]
			})
		).toBe(true);
	});

	it("tells /v1's two JSON answers apart: each fits exactly one branch of the 200 answer's oneOf", () => {
		const ajv = new Ajv2020({ strict: false, validateFormats: false });
		ajv.addSchema(openApiDocument, 'openapi');
		const answer = openApiDocument.paths['/v1/audio/transcriptions']!.post!.responses['200']!.content!['application/json']!.schema;
		const valid = ajv.compile({ $ref: 'openapi#/paths/~1v1~1audio~1transcriptions/post/responses/200/content/application~1json/schema' });
		expect(answer.oneOf).toHaveLength(2);
		const verbose = {
			task: 'translate',
			language: 'english',
			duration: 3,
			text: 'Hi',
			segments: [],
			usage: { type: 'duration', seconds: 3 }
		};
		expect(valid({ text: 'Hi' })).toBe(true);
		expect(valid(verbose), JSON.stringify(valid.errors)).toBe(true);
		// A verbose body that breaks its own schema does not pass as the plain one.
		expect(valid({ ...verbose, language: null })).toBe(false);
	});
});

describe('the error table in the OpenAPI document', () => {
	const apiOperations = operations.filter(({ operation }) => !operation.tags.includes('Server'));
	const familySchema = (path: string) => (path.startsWith('/v1/') ? '#/components/schemas/OpenAIError' : '#/components/schemas/AsrError');
	/** The codes a response's description names (each as `code`: summary). */
	const namedCodes = (description: string) => [...description.matchAll(/`([a-z_]+)`:/g)].map((match) => match[1]!);

	it("lists every code under its status on some route, in that route family's error shape", () => {
		for (const [code, entry] of Object.entries(ERRORS)) {
			const listing = apiOperations.filter(({ operation }) =>
				namedCodes(operation.responses[String(entry.status)]?.description ?? '').includes(code)
			);
			expect(listing.length, code).toBeGreaterThan(0);
			for (const { path, operation } of listing) {
				expect(operation.responses[String(entry.status)]!.content!['application/json']!.schema, `${code} on ${path}`).toEqual({
					$ref: familySchema(path)
				});
			}
		}
	});

	it('names, for every error status of every route, only codes of that status', () => {
		for (const { path, operation } of apiOperations) {
			for (const [status, response] of Object.entries(operation.responses)) {
				if (Number(status) < 400) continue;
				const codes = namedCodes(response.description);
				expect(codes.length, `${status} on ${path}`).toBeGreaterThan(0);
				for (const code of codes) expect(ERRORS[code as keyof typeof ERRORS].status, `${code} on ${path}`).toBe(Number(status));
			}
		}
	});

	it('gives every API route the access and failure answers (401, 429, 500)', () => {
		for (const { path, operation } of apiOperations) {
			for (const status of ['401', '429', '500']) expect(operation.responses[status], `${status} on ${path}`).toBeDefined();
			expect(operation.responses['429']!.headers).toHaveProperty('Retry-After');
		}
		expect(errorCodesByStatus([]).get(401)).toEqual(['missing_api_key', 'invalid_api_key', 'page_token_expired']);
	});

	it("makes the caller's engine mistakes 4xx, never 5xx", () => {
		expect(ERRORS.unsupported_language.status).toBe(400);
		expect(ERRORS.invalid_parameter.status).toBe(400);
		expect(openApiDocument.components.schemas.Task!.properties!.error!.properties!.reason!.enum).toEqual(Object.keys(ERRORS));
	});
});

describe('the option table in the OpenAPI document', () => {
	const formProperties = (name: 'Transcription' | 'Translation') =>
		openApiDocument.components.requestBodies[name]!.content['multipart/form-data']!.schema.properties!;

	it('states every option under its name in each request, with its type and range', () => {
		const requests = {
			asr: (name: string) => openApiDocument.components.parameters[name]?.schema,
			transcriptions: (name: string) => formProperties('Transcription')[name],
			translations: (name: string) => formProperties('Translation')[name]
		};
		let stated = 0;
		for (const option of OPTION_LIST) {
			for (const [request, lookUpField] of Object.entries(requests)) {
				const name = option.api[request as keyof typeof requests];
				const schema = lookUpField(name ?? '');
				if (name === undefined) continue;
				expect(schema, `${option.engine} as ${name} on ${request}`).toMatchObject(option.schema);
				stated++;
			}
		}
		expect(stated).toBeGreaterThanOrEqual(12);
		expect(asrParameter('beam_size')).not.toHaveProperty('default'); // BEAM_SIZE decides
		expect(asrParameter('task')).toMatchObject({ default: 'transcribe' });
	});

	// whisper-asr-webservice's order (encode, task, language, initial_prompt, vad_filter,
	// word_timestamps, then output), Koe's own options in table order before the output they shape.
	it("lists /asr's query in whisper-asr-webservice's order", () => {
		expect(
			openApiDocument.paths['/asr']!.post!.parameters!.map((parameter) => (parameter as { $ref: string }).$ref.split('/').at(-1))
		).toEqual(['encode', ...apiFields('asr').map((field) => field.name), 'output']);
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
