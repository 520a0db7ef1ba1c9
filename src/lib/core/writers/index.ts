/**
 * @file The output formats, defined once: each with its writer, file extension and MIME type.
 * The browser's download buttons and the server's `output` parameter both read this table.
 */
import type { Transcript } from '../transcript';
import { writeJson } from './json';
import { writeSrt } from './srt';
import { writeTsv } from './tsv';
import { writeTxt } from './txt';
import { writeVtt } from './vtt';

export interface OutputFormat {
	/** What a person sees on a button. */
	label: string;
	extension: string;
	mimeType: string;
	write: (transcript: Transcript) => string;
}

export const OUTPUT_FORMATS = Object.freeze({
	txt: { label: 'Text', extension: 'txt', mimeType: 'text/plain;charset=utf-8', write: writeTxt },
	srt: { label: 'SubRip', extension: 'srt', mimeType: 'application/x-subrip;charset=utf-8', write: writeSrt },
	vtt: { label: 'WebVTT', extension: 'vtt', mimeType: 'text/vtt;charset=utf-8', write: writeVtt },
	tsv: { label: 'TSV', extension: 'tsv', mimeType: 'text/tab-separated-values;charset=utf-8', write: writeTsv },
	json: { label: 'JSON', extension: 'json', mimeType: 'application/json', write: writeJson }
} satisfies Record<string, OutputFormat>);

export type OutputFormatId = keyof typeof OUTPUT_FORMATS;

export function isOutputFormatId(value: string): value is OutputFormatId {
	return Object.hasOwn(OUTPUT_FORMATS, value);
}

/** Renders a transcript in one format; throws with the list of formats for an unknown one. */
export function writeTranscript(transcript: Transcript, format: string): string {
	if (!isOutputFormatId(format)) {
		throw new RangeError(`Unknown output format "${format}". Use one of: ${Object.keys(OUTPUT_FORMATS).join(', ')}.`);
	}
	return OUTPUT_FORMATS[format].write(transcript);
}
