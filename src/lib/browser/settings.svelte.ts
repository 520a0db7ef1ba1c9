/**
 * @file The user's transcription settings, kept in IndexedDB (idb-keyval) so they survive
 * reloads. Values read back are checked: a stale or hand-edited entry falls back to defaults.
 */
import { get, set } from 'idb-keyval';
import { LANGUAGE_CODES } from '$lib/core/languages';
import { ENGINE_DEFAULTS, optionProblem, TASKS, type ResolvedOptions, type Task, type TranscribeOptions } from '$lib/core/options';
import { MODELS, type ModelEntry } from '$lib/engine/models';
import { LOCALES } from './i18n/messages';
import type { RoutePreference } from './route';

export type { Task };

export interface Settings {
	/** A model id from the registry, or "auto" to pick by device. */
	model: string;
	task: Task;
	/** Language code; empty for auto-detection. */
	language: string;
	initialPrompt: string;
	wordTimestamps: boolean;
	/** Decode only the speech Silero VAD finds ("Skip silence"). */
	vadFilter: boolean;
	/** Beams at temperature 0: 1 is greedy (fastest), 5 is faster-whisper's default (more accurate). */
	beamSize: number;
	/** Write Chinese speech in Simplified characters even where the model writes Traditional. */
	simplifiedChinese: boolean;
	/** The interface language the user chose; empty to follow the browser. */
	uiLocale: string;
	/** Where to transcribe: decided per model and device, or always here, or on the server. */
	route: RoutePreference;
	/** How the subtitle downloads lay cues out. */
	layout: LayoutSettings;
	/** Whether the options are shown, or only their summary line (closed for a first visit). */
	optionsOpen: boolean;
	/** Text while recording, before the recording is transcribed as a whole at stop. */
	liveCaptions: boolean;
}

/** The subtitle layout options the page offers (rows of core/options.ts); the rest keep their defaults. */
export const LAYOUT_SETTINGS = [
	'subtitleCues',
	'maxLineWidth',
	'maxLineCount',
	'maxCueSeconds',
	'maxCharsPerSecond',
	'highlightWords'
] as const;
export type LayoutSettings = Pick<ResolvedOptions, (typeof LAYOUT_SETTINGS)[number]>;

const DEFAULT_LAYOUT_SETTINGS: Readonly<LayoutSettings> = Object.freeze(
	Object.fromEntries(LAYOUT_SETTINGS.map((name) => [name, ENGINE_DEFAULTS[name]])) as LayoutSettings
);

/** Each stored layout value that its row's schema accepts; the default for the others. */
function sanitizeLayout(stored: unknown): LayoutSettings {
	const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
	return Object.fromEntries(
		LAYOUT_SETTINGS.map((name) => [
			name,
			Object.hasOwn(value, name) && optionProblem(name, value[name]) === null ? value[name] : DEFAULT_LAYOUT_SETTINGS[name]
		])
	) as LayoutSettings;
}

/** The transcription options start at the engine's defaults (core/options.ts). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
	model: 'auto',
	task: ENGINE_DEFAULTS.task,
	language: ENGINE_DEFAULTS.language ?? '',
	initialPrompt: ENGINE_DEFAULTS.initialPrompt,
	// On in the page (the API's default is off): subtitle cues are timed from words, and the
	// review view highlights each word; alignment adds little to a window's decoding.
	wordTimestamps: true,
	vadFilter: ENGINE_DEFAULTS.vadFilter,
	beamSize: ENGINE_DEFAULTS.beamSize,
	simplifiedChinese: false,
	uiLocale: '',
	route: 'auto',
	layout: DEFAULT_LAYOUT_SETTINGS,
	optionsOpen: false,
	liveCaptions: true
});

/** The decoding choices the page offers: greedy, or faster-whisper's 5 beams. */
export const BEAM_CHOICES = [1, 5] as const;

const STORAGE_KEY = 'koe:settings';

/** Keeps what is valid in a stored value and defaults the rest. */
export function sanitizeSettings(stored: unknown): Settings {
	const value = (typeof stored === 'object' && stored !== null ? stored : {}) as Partial<Record<keyof Settings, unknown>>;
	const pick = <K extends keyof Settings>(key: K, valid: (v: unknown) => boolean): Settings[K] =>
		(valid(value[key]) ? value[key] : DEFAULT_SETTINGS[key]) as Settings[K];
	return {
		model: pick('model', (v) => v === 'auto' || (typeof v === 'string' && Object.hasOwn(MODELS, v))),
		task: pick('task', (v) => (TASKS as readonly unknown[]).includes(v)),
		language: pick('language', (v) => v === '' || (typeof v === 'string' && (LANGUAGE_CODES as readonly string[]).includes(v))),
		initialPrompt: pick('initialPrompt', (v) => typeof v === 'string' && v.length <= 2000),
		wordTimestamps: pick('wordTimestamps', (v) => typeof v === 'boolean'),
		vadFilter: pick('vadFilter', (v) => typeof v === 'boolean'),
		beamSize: pick('beamSize', (v) => (BEAM_CHOICES as readonly unknown[]).includes(v)),
		simplifiedChinese: pick('simplifiedChinese', (v) => typeof v === 'boolean'),
		uiLocale: pick('uiLocale', (v) => v === '' || (typeof v === 'string' && Object.hasOwn(LOCALES, v))),
		route: pick('route', (v) => v === 'auto' || v === 'local' || v === 'server'),
		layout: sanitizeLayout(value.layout),
		optionsOpen: pick('optionsOpen', (v) => typeof v === 'boolean'),
		liveCaptions: pick('liveCaptions', (v) => typeof v === 'boolean')
	};
}

class SettingsStore {
	current = $state<Settings>({ ...DEFAULT_SETTINGS });
	loaded = $state(false);
	/** Choices made while the stored settings were still being read: they win over those. */
	#changedBeforeLoad: Partial<Settings> = {};

	async load(): Promise<void> {
		try {
			const stored = await get(STORAGE_KEY);
			this.current = sanitizeSettings({ ...(stored ?? {}), ...this.#changedBeforeLoad });
		} catch {
			// Private browsing modes may refuse IndexedDB: keep the defaults for this visit.
		}
		this.loaded = true;
	}

	async update(patch: Partial<Settings>): Promise<void> {
		if (!this.loaded) Object.assign(this.#changedBeforeLoad, patch);
		this.current = sanitizeSettings({ ...this.current, ...patch });
		try {
			await set(STORAGE_KEY, $state.snapshot(this.current));
		} catch {
			// Not persisted; the setting still applies to this visit.
		}
	}
}

export const settings = new SettingsStore();

/** The engine options of the user's settings, for this model (English-only models take no task or language). */
export function optionsFor(model: ModelEntry, chosen: Settings = settings.current): TranscribeOptions {
	const { task, language, initialPrompt, wordTimestamps, vadFilter, beamSize } = chosen;
	return {
		...(model.multilingual ? { task, language: language || null } : {}),
		...(initialPrompt.trim() ? { initialPrompt: initialPrompt.trim() } : {}),
		wordTimestamps,
		vadFilter,
		beamSize
	};
}
