/**
 * @file "Download video with subtitles": the subtitle track muxed into the video's own container
 * by ffmpeg.wasm, the video and audio copied as they are (no re-encoding). Each container takes
 * the subtitle codec it can carry; a container with none (avi, …) becomes Matroska.
 */
import { iso6392 } from 'iso-639-2';
import type { SubtitleLayout } from '$lib/core/subtitles/layout';
import type { Transcript } from '$lib/core/transcript';
import { OUTPUT_FORMATS } from '$lib/core/writers';
import { extensionOf, startFfmpeg } from './decode';
import { MediaError } from './failures';

interface SubtitleTrack {
	/** ffmpeg's subtitle encoder for the container. */
	codec: string;
	/** The file the track is made from. */
	format: 'srt' | 'vtt';
	/** Which ISO 639-2 form the container's language tag takes (MP4: terminology; Matroska: bibliographic). */
	languageCode: 'iso6392T' | 'iso6392B';
}

const MAX_VIDEO_BYTES = 1.5 * 1024 ** 3;

const MOV_TEXT: SubtitleTrack = { codec: 'mov_text', format: 'srt', languageCode: 'iso6392T' };
const MATROSKA: SubtitleTrack = { codec: 'srt', format: 'srt', languageCode: 'iso6392B' };

/** The containers that keep their own kind, by extension; any other video is written as .mkv. */
export const SUBTITLE_TRACKS: Readonly<Record<string, SubtitleTrack>> = {
	mp4: MOV_TEXT,
	m4v: MOV_TEXT,
	mov: MOV_TEXT,
	mkv: MATROSKA,
	webm: { codec: 'webvtt', format: 'vtt', languageCode: 'iso6392B' }
};

/** Whisper's language code as the three letters containers tag tracks with ("und" when unknown). */
export function containerLanguage(code: string | null | undefined, form: SubtitleTrack['languageCode']): string {
	if (!code) return 'und';
	// Whisper writes Javanese as "jw"; its three-letter codes (haw, yue) are ISO 639 already.
	const twoLetter = code === 'jw' ? 'jv' : code;
	const entry = iso6392.find((language) => language.iso6391 === twoLetter);
	return entry ? (entry[form] ?? entry.iso6392B) : /^[a-z]{3}$/.test(code) ? code : 'und';
}

/** The video with the transcript as a subtitle track, tagged with its language and shown by default. */
export async function videoWithSubtitles(video: File, transcript: Transcript, layout: SubtitleLayout | null): Promise<File> {
	// The result is built in ffmpeg.wasm's memory (at most 4 GB, the input's size again beside it).
	if (video.size > MAX_VIDEO_BYTES) {
		throw new MediaError('mux', 'the video is over 1.5 GB, more than a browser tab can remux; the .srt or .vtt plays beside it');
	}
	const extension = extensionOf(video.name).slice(1).toLowerCase();
	const outputExtension = Object.hasOwn(SUBTITLE_TRACKS, extension) ? extension : 'mkv';
	const track = SUBTITLE_TRACKS[outputExtension]!;
	const ffmpeg = await startFfmpeg();
	const input = `/media/input.${extension || 'bin'}`;
	const subtitles = `/subtitles.${track.format}`;
	const output = `/output.${outputExtension}`;
	const log: string[] = [];
	ffmpeg.on('log', ({ message }) => log.push(message));
	try {
		await ffmpeg.createDir('/media');
		// Read where it is (WORKERFS): the video is not copied into ffmpeg's memory; the output is.
		await ffmpeg.mount(
			'WORKERFS' as Parameters<typeof ffmpeg.mount>[0],
			{ files: [new File([video], input.slice('/media/'.length))] },
			'/media'
		);
		await ffmpeg.writeFile(subtitles, OUTPUT_FORMATS[track.format].write(transcript, layout));
		const code = await ffmpeg.exec([
			'-nostdin',
			'-i',
			input,
			'-i',
			subtitles,
			// The video and sound as they are; other subtitle or data tracks are left out.
			'-map',
			'0:v?',
			'-map',
			'0:a?',
			'-map',
			'1:0',
			'-c',
			'copy',
			'-c:s',
			track.codec,
			'-metadata:s:s:0',
			`language=${containerLanguage(transcript.language, track.languageCode)}`,
			'-disposition:s:0',
			'default',
			output
		]);
		const data = code === 0 ? await ffmpeg.readFile(output).catch(() => null) : null;
		if (!data || typeof data === 'string' || data.byteLength === 0) {
			throw new MediaError(
				'mux',
				log
					.filter((line) => /error|invalid|could not/i.test(line))
					.slice(-2)
					.join(' ') || `ffmpeg exited with ${code}`
			);
		}
		const base = video.name.replace(/\.[^./\\]+$/, '') || 'video';
		const type = outputExtension === extension && video.type ? video.type : 'video/x-matroska';
		return new File([data as Uint8Array<ArrayBuffer>], `${base}.subtitled.${outputExtension}`, { type });
	} finally {
		ffmpeg.terminate();
	}
}
