/**
 * @file The OpenAPI 3.1 document of the Koe server, assembled from its parts: what /openapi.json
 * serves, what Swagger UI at /docs renders, and what params.ts validates requests by. Its
 * parameters come from the option table (core/options.ts) and its error responses from the error
 * table (../../errors.ts), so the document cannot drift from the code.
 */
import { parameters, requestBodies } from './fields';
import { paths, securitySchemes } from './paths';
import { schemas } from './schemas';
import type { OpenApiDocument } from './types';

export * from './types';
export {
	GRANULARITIES_FIELD,
	OPENAI_MODEL_ALIAS,
	RESPONSE_FORMATS,
	TIMESTAMP_GRANULARITIES,
	type ResponseFormat,
	type TimestampGranularity
} from './fields';
export { errorCodesByStatus } from './paths';

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

export const openApiDocument: OpenApiDocument = deepFreeze({
	openapi: '3.1.0',
	info: {
		title: 'Koe',
		description:
			"Whisper speech recognition over HTTP. The /asr family is a drop-in for whisper-asr-webservice (Bazarr and other clients work unchanged); the /v1 family is a drop-in for OpenAI's audio API and its SDKs.",
		version: '0.1.0'
	},
	tags: [
		{ name: 'Endpoints', description: 'whisper-asr-webservice compatible. Errors: {"status":"error","code","message"}.' },
		{ name: 'OpenAI compatible', description: 'OpenAI audio API. Errors: {"error":{"message","type","param","code"}}.' },
		{ name: 'Server', description: 'Operations.' }
	],
	paths,
	components: { schemas, parameters, requestBodies, securitySchemes }
});
