/** @file GET /openapi.json: the API's OpenAPI 3.1 document, which /docs renders. */
import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/api/openapi';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => json(openApiDocument);
