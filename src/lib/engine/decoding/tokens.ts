/**
 * @file Whisper's special token ids for one model, read from its generation config and
 * tokenizer (English-only and multilingual vocabularies number them differently), and the
 * prompt layout openai/whisper and faster-whisper build from them.
 */

export interface SpecialTokens {
	sot: number;
	eot: number;
	sotPrev: number;
	noTimestamps: number;
	/** `<|0.00|>`; every id from here up is a timestamp, 0.02 s apart. */
	timestampBegin: number;
	/** `<|nospeech|>` (`<|nocaptions|>` in the older English-only vocabularies). */
	noSpeech: number;
	/** `<|en|>` … for multilingual models; empty for English-only ones. */
	languages: ReadonlyMap<string, number>;
	transcribe: number | null;
	translate: number | null;
	/** Ids the model must never produce (the config's list plus the prompt-only specials). */
	suppress: readonly number[];
	/** Suppressed as the first sampled token only: a lone space and end-of-text. */
	beginSuppress: readonly number[];
	/** The largest `<|t|>` allowed first, as a count of 0.02 s steps (openai uses 1.0 s). */
	maxInitialTimestampIndex: number;
	/** Longest decode per window, prompt included. */
	maxLength: number;
	multilingual: boolean;
}

/** Seconds per timestamp token step. */
export const TIME_PRECISION = 0.02;

type TokenLookup = (token: string) => number | undefined | null;

export function readSpecialTokens(config: Record<string, unknown>, lookup: TokenLookup): SpecialTokens {
	const num = (key: string): number => {
		const value = config[key];
		if (typeof value !== 'number') throw new Error(`The model's generation_config.json lacks "${key}".`);
		return value;
	};
	const sot = num('decoder_start_token_id');
	const noTimestamps = num('no_timestamps_token_id');
	const eot = Array.isArray(config.eos_token_id) ? (config.eos_token_id[0] as number) : num('eos_token_id');
	const sotPrev = (config.prev_sot_token_id as number | undefined) ?? lookup('<|startofprev|>') ?? eot + 3;
	const noSpeech = lookup('<|nospeech|>') ?? lookup('<|nocaptions|>') ?? noTimestamps - 1;
	const multilingual = config.is_multilingual === true;
	const langToId = (config.lang_to_id ?? {}) as Record<string, number>;
	const languages = new Map(Object.entries(langToId).map(([token, id]) => [token.slice(2, -2), id]));
	const taskToId = (config.task_to_id ?? {}) as Record<string, number>;
	const transcribe = taskToId.transcribe ?? null;
	const translate = taskToId.translate ?? null;
	const startOfLm = lookup('<|startoflm|>');
	const suppress = new Set<number>([...((config.suppress_tokens as number[] | undefined) ?? []), sot, sotPrev]);
	for (const id of [transcribe, translate, startOfLm, noSpeech]) if (typeof id === 'number') suppress.add(id);
	return {
		sot,
		eot,
		sotPrev,
		noTimestamps,
		timestampBegin: noTimestamps + 1,
		noSpeech,
		languages,
		transcribe,
		translate,
		suppress: [...suppress],
		beginSuppress: (config.begin_suppress_tokens as number[] | undefined) ?? [eot],
		maxInitialTimestampIndex: (config.max_initial_timestamp_index as number | undefined) ?? 50,
		maxLength: (config.max_length as number | undefined) ?? 448,
		multilingual: multilingual && languages.size > 0
	};
}

/** `<|startoftranscript|>` then, for multilingual models, the language and the task. */
export function sotSequence(tokens: SpecialTokens, language: string | null, task: 'transcribe' | 'translate'): number[] {
	if (!tokens.multilingual) return [tokens.sot];
	const lang = tokens.languages.get(language ?? 'en');
	if (lang === undefined) throw new RangeError(`This model has no language token for "${language}".`);
	const taskId = task === 'translate' ? tokens.translate : tokens.transcribe;
	return taskId === null ? [tokens.sot, lang] : [tokens.sot, lang, taskId];
}

/**
 * The decoder prompt: previous text after `<|startofprev|>` (at most half the context, as
 * openai and faster-whisper cut it), then the SOT sequence, then `<|notimestamps|>` if asked.
 */
export function buildPrompt(
	tokens: SpecialTokens,
	previous: readonly number[],
	sot: readonly number[],
	withoutTimestamps = false
): number[] {
	const prompt: number[] = [];
	if (previous.length > 0) {
		prompt.push(tokens.sotPrev, ...previous.slice(-(Math.floor(tokens.maxLength / 2) - 1)));
	}
	prompt.push(...sot);
	if (withoutTimestamps) prompt.push(tokens.noTimestamps);
	return prompt;
}
