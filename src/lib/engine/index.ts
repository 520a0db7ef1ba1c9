/**
 * @file The engine's facade: what the server, the worker and the scripts use of it. Load a model,
 * transcribe audio, detect its language; the registry says which models and precisions exist.
 */
export { samplesSource, type AudioSource } from './audio-source';
export { EngineError, EnglishOnlyModelError, InvalidOptionError, UnsupportedLanguageError, type EngineErrorCode } from './errors';
export { DETECTION_SECONDS, detectLanguage, type LanguageDetection, type LanguageProbability } from './language';
export { loadModel, type LoadedModel, type LoadOptions } from './load';
export type { OrtClasses } from './decoding/fixed-cache';
export { useModelSource, modelPath, type ModelSource } from './model-source';
export * from './models';
export { temperatureLadder, transcribe, type TranscribeProgress } from './transcribe';
export type { TranscribeOptions } from '../core/options';
