/**
 * @file Request parameters, parsed and validated from the OpenAPI document (openapi.ts): each
 * value's type, enum, range and default are read from its schema there, and ajv checks the
 * coerced value against that schema, so the documentation and the validation cannot disagree.
 * Only what a schema cannot say is here: how strings spell booleans, that a language may be a
 * name, and the rules that tie two fields together.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { findLanguage } from '../../core/languages';
import { LANGUAGE_FORMAT, optionsFromApi, type TranscribeOptions } from '../../core/options';
import { layoutOf } from '../../core/subtitles/layout';
import { OUTPUT_FORMATS, type OutputFormatId } from '../../core/writers';
import { apiError } from '../errors';
import {
	GRANULARITIES_FIELD,
	openApiDocument,
	UNKNOWN_AS_DEFAULT,
	type HttpMethod,
	type ParameterObject,
	type Reference,
	type ResponseFormat,
	type Schema,
	type TimestampGranularity
} from './openapi';

/** A POST /asr or /asr/async request: the engine's options and how to answer. */
export interface AsrRequest {
	encode: boolean;
	options: TranscribeOptions;
	/** The layout served (an unknown `output` falls back to txt). */
	output: OutputFormatId;
	/** The `output` value as sent: the download name ends with it (`text` → `x.mp3.text`). */
	outputExtension: string;
}

export interface DetectRequest {
	encode: boolean;
}

export type OpenAiEndpoint = 'transcriptions' | 'translations';

/** A POST /v1/audio/… request: the engine's options, and the answer's layout. */
export interface OpenAiRequest {
	model: string;
	options: TranscribeOptions & { task: 'transcribe' | 'translate' };
	responseFormat: ResponseFormat;
	granularities: TimestampGranularity[];
}

type Value = unknown;

// ---- reading the document ----

/** Follows a local `#/…` reference inside the document. */
function resolve<T>(node: T | Reference): T {
	const pointer = (node as Partial<Reference>).$ref;
	if (pointer === undefined) return node as T;
	if (!pointer.startsWith('#/')) throw new Error(`Only local references are supported: ${pointer}`);
	let target: unknown = openApiDocument;
	for (const key of pointer.slice(2).split('/')) {
		target = (target as Record<string, unknown> | undefined)?.[key.replaceAll('~1', '/').replaceAll('~0', '~')];
	}
	if (target === undefined) throw new Error(`Unresolved reference ${pointer}`);
	return resolve(target as T | Reference);
}

function operation(path: string, method: HttpMethod) {
	const found = openApiDocument.paths[path]?.[method];
	if (!found) throw new Error(`The OpenAPI document has no ${method.toUpperCase()} ${path}`);
	return found;
}

function queryParameters(path: string, method: HttpMethod): ParameterObject[] {
	return (operation(path, method).parameters ?? []).map((parameter) => resolve(parameter)).filter((parameter) => parameter.in === 'query');
}

function multipartSchema(path: string): Schema {
	const body = operation(path, 'post').requestBody;
	if (!body) throw new Error(`POST ${path} has no request body`);
	const media = resolve(body).content['multipart/form-data'];
	if (!media) throw new Error(`POST ${path} takes no multipart body`);
	return resolve(media.schema);
}

// ---- checking one value against its schema ----

/** JSON Schema 2020-12 is OpenAPI 3.1's dialect. Formats are descriptive here (binary, date-time). */
const ajv = new Ajv2020({ strict: true, validateFormats: false, keywords: [UNKNOWN_AS_DEFAULT] });
const validators = new WeakMap<Schema, ValidateFunction>();

function validator(schema: Schema): ValidateFunction {
	let validate = validators.get(schema);
	if (!validate) {
		validate = ajv.compile(schema);
		validators.set(schema, validate);
	}
	return validate;
}

/** pydantic's spellings, which whisper-asr-webservice's clients may use (api-compat §1.2). */
const BOOLEAN_SPELLINGS: Readonly<Record<string, boolean>> = Object.freeze({
	true: true,
	t: true,
	yes: true,
	y: true,
	on: true,
	1: true,
	false: false,
	f: false,
	no: false,
	n: false,
	off: false,
	0: false
});

/** Plain decimal notation only: Number() would also take '', ' ', '0x1' and 'Infinity'. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function typeOf(schema: Schema): string | undefined {
	return Array.isArray(schema.type) ? schema.type[0] : (schema.type as string | undefined);
}

/**
 * The string as the schema's type; a string that cannot be one is returned as is, so that ajv
 * rejects it with the same message as any other wrong value.
 */
function coerce(raw: string, schema: Schema): Value {
	switch (typeOf(schema)) {
		case 'boolean':
			return BOOLEAN_SPELLINGS[raw.toLowerCase()] ?? raw;
		case 'number':
		case 'integer':
			return DECIMAL.test(raw.trim()) ? Number(raw) : raw;
		default:
			return schema.format === LANGUAGE_FORMAT ? (findLanguage(raw)?.code ?? raw) : raw;
	}
}

/** What a schema accepts, in words, for the 400 message. */
function allowed(schema: Schema): readonly string[] | string {
	if (schema.enum) return schema.enum.map(String);
	switch (typeOf(schema)) {
		case 'boolean':
			return 'true or false';
		case 'number':
		case 'integer': {
			const kind = typeOf(schema) === 'integer' ? 'an integer' : 'a number';
			if (schema.minimum !== undefined && schema.maximum !== undefined) return `${kind} from ${schema.minimum} to ${schema.maximum}`;
			return kind;
		}
		case 'array': {
			const items = allowed(schema.items ?? {});
			return typeof items === 'string' ? `a list of ${items}` : `any of: ${items.join(', ')}`;
		}
		default:
			return 'a string';
	}
}

function checked(name: string, raw: string, value: Value, schema: Schema): Value {
	if (!validator(schema)(value)) throw apiError('invalid_parameter', { param: name, value: raw, expected: inWords(allowed(schema)) });
	return value;
}

const inWords = (accepted: readonly string[] | string) => (typeof accepted === 'string' ? accepted : `one of: ${accepted.join(', ')}`);

/** One value by its schema. Absent: the schema's default, or null when it has none. */
function readValue(name: string, raw: string | undefined, schema: Schema): Value {
	if (raw === undefined) return schema.default ?? null;
	const value = coerce(raw, schema);
	if (schema[UNKNOWN_AS_DEFAULT] === true && !validator(schema)(value)) return schema.default;
	return checked(name, raw, value, schema);
}

/** Subtitles laid out from words need the words' times, whether or not the caller asked for them. */
function withSubtitleTimings<T extends TranscribeOptions>(options: T, subtitles: boolean): T {
	return subtitles && layoutOf(options) ? { ...options, wordTimestamps: true } : options;
}

// ---- the /asr family: query strings ----

/**
 * Every query parameter of an operation, by name. A repeated key: the last one wins, as in
 * FastAPI. Empty: absent, for a parameter without a default (language, initial_prompt), and
 * a value like any other otherwise (output= serves txt named `x.`, encode= is refused).
 */
function readQuery(path: string, method: HttpMethod, search: URLSearchParams): Record<string, Value> {
	const values: Record<string, Value> = {};
	for (const { name, schema } of queryParameters(path, method)) {
		let raw = search.getAll(name).at(-1);
		if (raw === '' && schema.default === undefined) raw = undefined;
		values[name] = readValue(name, raw, schema);
	}
	return values;
}

export function parseAsrQuery(search: URLSearchParams): AsrRequest {
	const query = readQuery('/asr', 'post', search);
	const output = query.output as OutputFormatId;
	return {
		encode: query.encode as boolean,
		options: withSubtitleTimings(optionsFromApi('asr', query), OUTPUT_FORMATS[output].subtitles),
		output,
		outputExtension: search.getAll('output').at(-1) ?? output
	};
}

export function parseDetectQuery(search: URLSearchParams): DetectRequest {
	const query = readQuery('/detect-language', 'post', search);
	return { encode: query.encode as boolean };
}

// ---- the /v1 family: multipart fields ----

const FORM_PATHS: Readonly<Record<OpenAiEndpoint, string>> = Object.freeze({
	transcriptions: '/v1/audio/transcriptions',
	translations: '/v1/audio/translations'
});

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The strings sent for a field. openai-node sends arrays as repeated `name[]` parts; curl users
 * also write `name` or a comma list. Empty strings are absent, as FastAPI treats empty form fields.
 */
function formStrings(fields: Record<string, string | string[]>, name: string, schema: Schema): string[] {
	const names = name.endsWith('[]') ? [name, name.slice(0, -2)] : [name];
	const strings = names.flatMap((key) => asList(Object.hasOwn(fields, key) ? fields[key] : undefined));
	const split = typeOf(schema) === 'array' ? strings.flatMap((value) => value.split(',').map((item) => item.trim())) : strings;
	return split.filter((value) => value !== '');
}

function readFormValue(name: string, strings: string[], schema: Schema, required: boolean): Value {
	if (strings.length === 0) {
		if (required) throw apiError('missing_parameter', { param: name, expected: examples(schema) });
		return schema.default ?? null;
	}
	if (typeOf(schema) !== 'array') return readValue(name, strings.at(-1), schema);
	const itemSchema = schema.items ?? {};
	const items = [...new Set(strings.map((raw) => checked(name, raw, coerce(raw, itemSchema), itemSchema)))];
	return checked(name, strings.join(','), items, schema);
}

function examples(schema: Schema): string {
	const list = Array.isArray(schema.examples) ? schema.examples : schema.enum;
	return list ? `one of: ${list.join(', ')}` : '';
}

/** Every non-file field of a multipart body, by name, checked against its schema. */
function readForm(path: string, fields: Record<string, string | string[]>): Record<string, Value> {
	const schema = multipartSchema(path);
	const required = new Set(schema.required ?? []);
	const values: Record<string, Value> = {};
	for (const [name, property] of Object.entries(schema.properties ?? {})) {
		const fieldSchema = resolve(property);
		if (fieldSchema.format === 'binary') continue;
		values[name] = readFormValue(name, formStrings(fields, name, fieldSchema), fieldSchema, required.has(name));
	}
	return values;
}

/** Word timestamps are only in verbose_json; OpenAI refuses the request otherwise (api-compat §2.1). */
function checkGranularities(granularities: readonly TimestampGranularity[], responseFormat: ResponseFormat): void {
	if (granularities.includes('word') && responseFormat !== 'verbose_json') {
		throw apiError('invalid_parameter', {
			param: GRANULARITIES_FIELD,
			value: 'word',
			expected: `segment only, unless response_format=verbose_json (got "${responseFormat}")`
		});
	}
}

/** Translations take no language and no granularities; the defaults are the transcription schema's. */
function defaultGranularities(): TimestampGranularity[] {
	const schema = resolve(multipartSchema(FORM_PATHS.transcriptions).properties![GRANULARITIES_FIELD]!);
	return [...(schema.default as TimestampGranularity[])];
}

export function parseOpenAiForm(fields: Record<string, string | string[]>, endpoint: OpenAiEndpoint): OpenAiRequest {
	const form = readForm(FORM_PATHS[endpoint], fields);
	const responseFormat = form.response_format as ResponseFormat;
	const granularities = (form[GRANULARITIES_FIELD] as TimestampGranularity[] | undefined) ?? defaultGranularities();
	checkGranularities(granularities, responseFormat);
	return {
		model: form.model as string,
		options: withSubtitleTimings(
			{
				...optionsFromApi(endpoint, form),
				task: endpoint === 'translations' ? 'translate' : 'transcribe',
				wordTimestamps: granularities.includes('word')
			},
			responseFormat === 'srt' || responseFormat === 'vtt'
		),
		responseFormat,
		granularities: [...granularities]
	};
}
