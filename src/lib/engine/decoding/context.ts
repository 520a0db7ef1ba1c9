/**
 * @file Everything the decoding loop needs from one loaded model, built once per pipeline:
 * the runtime adapter, the special tokens, text decoding and the alignment heads.
 */
import type { AutomaticSpeechRecognitionPipeline } from '@huggingface/transformers';
import type { LoadedModel } from '../load';
import { WhisperRuntime } from './runtime';
import { readSpecialTokens, type SpecialTokens } from './tokens';

export interface DecodingContext {
	runtime: WhisperRuntime;
	specials: SpecialTokens;
	/** Text of the tokens below end-of-text (timestamps and specials dropped, as openai decodes). */
	decodeText(ids: readonly number[]): string;
	/** Text with special tokens written out (for splitting tokens into words). */
	decodeRaw(ids: readonly number[]): string;
	encode(text: string): number[];
	/** [layer, head] pairs whose cross-attention follows the audio (generation_config.json). */
	alignmentHeads: ReadonlyArray<readonly [number, number]>;
}

const contexts = new WeakMap<AutomaticSpeechRecognitionPipeline, DecodingContext>();

export function decodingContext({ pipe, fixedCache }: LoadedModel): DecodingContext {
	let context = contexts.get(pipe);
	if (context) return context;
	const runtime = new WhisperRuntime(pipe, fixedCache);
	const tokenizer = pipe.tokenizer;
	const config = runtime.generationConfig;
	const specials = readSpecialTokens(config, (token) => tokenizer.convert_tokens_to_ids(token));
	context = {
		runtime,
		specials,
		decodeText: (ids) =>
			tokenizer.decode(
				ids.filter((id) => id < specials.eot),
				{ skip_special_tokens: true }
			),
		decodeRaw: (ids) => tokenizer.decode([...ids], { skip_special_tokens: false }),
		encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
		alignmentHeads: (config.alignment_heads as Array<[number, number]> | undefined) ?? []
	};
	contexts.set(pipe, context);
	return context;
}
