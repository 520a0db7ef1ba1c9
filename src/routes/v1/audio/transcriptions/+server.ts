/** @file POST /v1/audio/transcriptions: OpenAI's transcription endpoint. */
import { openAiRoute } from '$lib/server/api/openai';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = openAiRoute('transcriptions');
