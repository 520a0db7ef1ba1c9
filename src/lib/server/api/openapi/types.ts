/** @file The OpenAPI 3.1 objects Koe's document is made of, loosely typed where JSON Schema is open. */

/** A JSON Schema (2020-12, OpenAPI 3.1's dialect), loosely typed: a table of keywords. */
export interface Schema {
	type?: string | readonly string[];
	enum?: readonly unknown[];
	default?: unknown;
	minimum?: number;
	maximum?: number;
	items?: Schema;
	properties?: Readonly<Record<string, Schema>>;
	required?: readonly string[];
	$ref?: string;
	[keyword: string]: unknown;
}

/** A type alias, not an interface, so that it also fits where a Schema is expected. */
export type Reference = { $ref: string };

export interface ParameterObject {
	name: string;
	in: 'query' | 'path' | 'header';
	required?: boolean;
	description?: string;
	schema: Schema;
}

export interface MediaTypeObject {
	schema: Schema;
	encoding?: Readonly<Record<string, unknown>>;
}

export interface RequestBodyObject {
	description?: string;
	required?: boolean;
	content: Readonly<Record<string, MediaTypeObject>>;
}

export interface ResponseObject {
	description: string;
	headers?: Readonly<Record<string, { description?: string; schema: Schema }>>;
	content?: Readonly<Record<string, MediaTypeObject>>;
}

export interface OperationObject {
	operationId: string;
	tags: readonly string[];
	summary: string;
	description?: string;
	parameters?: ReadonlyArray<ParameterObject | Reference>;
	requestBody?: RequestBodyObject | Reference;
	responses: Readonly<Record<string, ResponseObject>>;
	security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
}

export type HttpMethod = 'get' | 'post';

export interface OpenApiDocument {
	openapi: '3.1.0';
	info: { title: string; description: string; version: string };
	tags: ReadonlyArray<{ name: string; description: string }>;
	paths: Readonly<Record<string, Partial<Record<HttpMethod, OperationObject>>>>;
	components: {
		schemas: Readonly<Record<string, Schema>>;
		parameters: Readonly<Record<string, ParameterObject>>;
		requestBodies: Readonly<Record<string, RequestBodyObject>>;
		securitySchemes: Readonly<Record<string, Readonly<Record<string, string>>>>;
	};
}

export const ref = (kind: keyof OpenApiDocument['components'], name: string): Reference => ({ $ref: `#/components/${kind}/${name}` });

/**
 * Vendor keyword on a parameter's schema: an unknown value is served as the default instead of
 * refused (whisper-asr-webservice's `output`, whose clients send `text` and still get txt).
 */
export const UNKNOWN_AS_DEFAULT = 'x-koe-unknown-as-default';
