/**
 * @file The UI language: the browser's by default, switchable, remembered with the settings.
 */
import { localeFor, LOCALES, type Locale, type Messages } from './messages';

class LocaleState {
	locale = $state<Locale>('en');
	/** The strings of the current UI language. */
	m = $derived<Messages>(LOCALES[this.locale]);

	/** Follows the browser unless the user chose (`chosen` is the stored choice, or ''). */
	init(chosen: string): void {
		this.set(chosen in LOCALES ? (chosen as Locale) : localeFor(navigator.languages ?? [navigator.language]));
	}

	set(locale: Locale): void {
		this.locale = locale;
		document.documentElement.lang = locale;
	}
}

export const i18n = new LocaleState();
