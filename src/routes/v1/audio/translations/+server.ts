/** @file POST /v1/audio/translations: OpenAI's translation endpoint (into English). */
import { openAiRoute } from '$lib/server/api/openai';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = openAiRoute('translations');
