/**
 * @file "Download video with subtitles": the subtitle track muxed into an mp4 (mov_text), an mkv
 * (SubRip) and a webm (WebVTT) by ffmpeg.wasm in the page, tagged with the language; ffprobe
 * checks the tracks and that the video stream's packets are bit for bit the ones that went in.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { evalAudioPath } from '../support/eval-audio';
import { ffmpeg, makeVideo } from '../support/media';
import { option } from '../support/options';

const TIMEOUT_MS = 5 * 60_000;

test.beforeEach(({}, testInfo) => {
	test.skip(testInfo.project.name !== 'wasm', 'muxing does not depend on the device; the WASM project covers it');
});

/** The MD5 of a file's video packets as stored (copied, not decoded). */
const videoPacketsMd5 = (file: string) => ffmpeg('-i', file, '-map', '0:v', '-c', 'copy', '-f', 'md5', '-').trim();

interface Stream {
	codec_type: string;
	codec_name: string;
	tags?: { language?: string };
	disposition?: { default?: number };
}
const streamsOf = (file: string): Stream[] =>
	JSON.parse(
		execFileSync(
			'ffprobe',
			['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:stream_tags=language:stream_disposition=default', '-of', 'json', file],
			{
				encoding: 'utf8'
			}
		)
	).streams;

const CONTAINERS = [
	{
		extension: 'mp4',
		subtitleCodec: 'mov_text',
		encode: (source: string, target: string) => ffmpeg('-i', source, '-c', 'copy', target)
	},
	{
		extension: 'mkv',
		subtitleCodec: 'subrip',
		encode: (source: string, target: string) => ffmpeg('-i', source, '-c', 'copy', target)
	},
	{
		extension: 'webm',
		subtitleCodec: 'webvtt',
		encode: (source: string, target: string) => ffmpeg('-i', source, '-c:v', 'libvpx-vp9', '-b:v', '200k', '-c:a', 'libopus', target)
	}
] as const;

test('a video downloads with its subtitles muxed in, the video untouched, for mp4, mkv and webm', async ({ page }, testInfo) => {
	const source = makeVideo(await evalAudioPath('en_jfk.wav'), testInfo.outputPath('jfk-source.mp4'));
	await page.goto('/');
	await (await option(page, 'model-select')).selectOption('tiny.en');
	for (const container of CONTAINERS) {
		const video = testInfo.outputPath(`jfk.${container.extension}`);
		container.encode(source, video);
		await page.getByTestId('file-input').setInputFiles(video);
		await expect(page.getByTestId('summary')).toContainText(`jfk.${container.extension}`, { timeout: TIMEOUT_MS });
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-video').click()]);
		expect(download.suggestedFilename()).toBe(`jfk.subtitled.${container.extension}`);
		const muxed = testInfo.outputPath(download.suggestedFilename());
		await download.saveAs(muxed);

		const streams = streamsOf(muxed);
		expect(streams.map((stream) => stream.codec_type)).toEqual(['video', 'audio', 'subtitle']);
		const subtitle = streams[2]!;
		expect(subtitle.codec_name).toBe(container.subtitleCodec);
		expect(subtitle.tags?.language).toBe('eng');
		expect(videoPacketsMd5(muxed)).toBe(videoPacketsMd5(video));
		const text = ffmpeg('-i', muxed, '-map', '0:s', '-f', 'srt', '-');
		expect(text).toContain('country');
		console.log(`[mux] ${container.extension}: ${container.subtitleCodec} track, language eng, video packets identical`);
	}
});
