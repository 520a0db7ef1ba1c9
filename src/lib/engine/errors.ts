/**
 * @file The engine's errors that are the caller's to fix, each with a code: the server turns
 * them into 4xx answers naming the option, the page into a message. Anything else the engine
 * throws is a fault of its own.
 */

export type EngineErrorCode = 'invalid-option' | 'unsupported-language' | 'english-only';

export class EngineError extends Error {
	constructor(
		readonly code: EngineErrorCode,
		/** The option at fault (the engine's name for it). */
		readonly option: string | null,
		message: string
	) {
		super(message);
		this.name = 'EngineError';
	}
}

/** An option outside what it accepts. */
export class InvalidOptionError extends EngineError {
	constructor(
		option: string,
		readonly value: unknown,
		readonly expected: string
	) {
		super('invalid-option', option, `Invalid ${option} ${JSON.stringify(value)}: expected ${expected}.`);
		this.name = 'InvalidOptionError';
	}
}

/** A language the loaded model has no token for (e.g. Cantonese before large-v3). */
export class UnsupportedLanguageError extends EngineError {
	constructor(
		readonly modelId: string,
		readonly language: string
	) {
		super('unsupported-language', 'language', `The model "${modelId}" does not know the language "${language}".`);
		this.name = 'UnsupportedLanguageError';
	}
}

/** Language detection asked of a model that only knows English. */
export class EnglishOnlyModelError extends EngineError {
	constructor(readonly modelId: string) {
		super('english-only', null, `The model "${modelId}" is English-only and cannot detect languages; use a multilingual model.`);
		this.name = 'EnglishOnlyModelError';
	}
}
