/**
 * @file The output formats, defined once: each with its writer, file extension and MIME type.
 * The browser's download buttons and the server's `output` parameter both read this table.
 */
import { DEFAULT_LAYOUT, type SubtitleLayout } from '../subtitles/layout';
import type { Transcript } from '../transcript';
import { writeJson } from './json';
import { writeLrc } from './lrc';
import { writeSrt } from './srt';
import { writeTsv } from './tsv';
import { writeTxt } from './txt';
import { writeVtt } from './vtt';

export interface OutputFormat {
	/** What a person sees on a button. */
	label: string;
	extension: string;
	mimeType: string;
	/** The layout shapes the subtitle formats' cues (null: one per segment); the others ignore it. */
	write: (transcript: Transcript, layout: SubtitleLayout | null) => string;
	/** Whether the file is timed cues, for which a layout computes word timings. */
	subtitles: boolean;
}

export const OUTPUT_FORMATS = Object.freeze({
	txt: { label: 'Text', extension: 'txt', mimeType: 'text/plain;charset=utf-8', write: writeTxt, subtitles: false },
	srt: { label: 'SubRip', extension: 'srt', mimeType: 'application/x-subrip;charset=utf-8', write: writeSrt, subtitles: true },
	vtt: {
		label: 'WebVTT',
		extension: 'vtt',
		mimeType: 'text/vtt;charset=utf-8',
		write: (t, layout) => writeVtt(t, layout),
		subtitles: true
	},
	tsv: { label: 'TSV', extension: 'tsv', mimeType: 'text/tab-separated-values;charset=utf-8', write: writeTsv, subtitles: false },
	json: { label: 'JSON', extension: 'json', mimeType: 'application/json', write: writeJson, subtitles: false },
	lrc: { label: 'LRC', extension: 'lrc', mimeType: 'text/plain;charset=utf-8', write: writeLrc, subtitles: true }
} satisfies Record<string, OutputFormat>);

export type OutputFormatId = keyof typeof OUTPUT_FORMATS;

export function isOutputFormatId(value: string): value is OutputFormatId {
	return Object.hasOwn(OUTPUT_FORMATS, value);
}

/** Renders a transcript in one format; throws with the list of formats for an unknown one. */
export function writeTranscript(transcript: Transcript, format: string, layout: SubtitleLayout | null = DEFAULT_LAYOUT): string {
	if (!isOutputFormatId(format)) {
		throw new RangeError(`Unknown output format "${format}". Use one of: ${Object.keys(OUTPUT_FORMATS).join(', ')}.`);
	}
	return OUTPUT_FORMATS[format].write(transcript, layout);
}
