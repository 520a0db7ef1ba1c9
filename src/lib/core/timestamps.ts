/**
 * @file Timestamp formatting shared by the subtitle writers. It matches openai/whisper's
 * `format_timestamp` byte for byte, because the server promises the webservice's outputs.
 */

/**
 * Rounds to the nearest integer, ties to even, as Python's round() does.
 * Whisper tools compute milliseconds with round(seconds * 1000), so 0.0025 s is 2 ms, not 3.
 */
export function roundHalfEven(value: number): number {
	const floor = Math.floor(value);
	const diff = value - floor;
	if (diff > 0.5) return floor + 1;
	if (diff < 0.5) return floor;
	return floor % 2 === 0 ? floor : floor + 1;
}

export interface TimestampStyle {
	/** Always print hours (SRT) or only from one hour on (VTT, openai/whisper's default). */
	alwaysIncludeHours: boolean;
	/** The character between seconds and milliseconds: ',' for SRT, '.' for VTT. */
	decimalMarker: ',' | '.';
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Formats seconds as `[HH:]MM:SS<marker>mmm`. */
export function formatTimestamp(seconds: number, style: TimestampStyle): string {
	if (!(seconds >= 0)) throw new RangeError(`A timestamp must be a non-negative number, got ${seconds}`);
	let milliseconds = roundHalfEven(seconds * 1000);
	const hours = Math.floor(milliseconds / 3_600_000);
	milliseconds -= hours * 3_600_000;
	const minutes = Math.floor(milliseconds / 60_000);
	milliseconds -= minutes * 60_000;
	const wholeSeconds = Math.floor(milliseconds / 1000);
	milliseconds -= wholeSeconds * 1000;
	const hoursPart = style.alwaysIncludeHours || hours > 0 ? `${pad(hours, 2)}:` : '';
	return `${hoursPart}${pad(minutes, 2)}:${pad(wholeSeconds, 2)}${style.decimalMarker}${pad(milliseconds, 3)}`;
}
