import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '$lib/server/config';

const emptyCache = mkdtempSync(path.join(tmpdir(), 'koe-cache-'));

describe('server config', () => {
	it('defaults to port 9000 and the hub when no local models exist', () => {
		const config = readConfig({ KOE_CACHE: emptyCache });
		expect(config.port).toBe(9000);
		expect(config.modelSource).toBe('hub');
		expect(config.modelDir).toBe(path.join(emptyCache, 'models'));
	});

	it("uses local models by default once the served model's folder exists, the hub otherwise", () => {
		const models = mkdtempSync(path.join(tmpdir(), 'koe-models-'));
		expect(readConfig({ KOE_CACHE: emptyCache, MODEL_DIR: models, MODEL: 'tiny.en' }).modelSource).toBe('hub');
		mkdirSync(path.join(models, 'whisper-tiny.en'));
		expect(readConfig({ KOE_CACHE: emptyCache, MODEL_DIR: models, MODEL: 'tiny.en' })).toMatchObject({
			modelSource: 'local',
			hubCacheDir: path.join(models, 'hub')
		});
		expect(readConfig({ KOE_CACHE: emptyCache, MODEL_DIR: models, MODEL: 'base' }).modelSource).toBe('hub');
	});

	it('honours PORT and MODEL_SOURCE', () => {
		const config = readConfig({ KOE_CACHE: emptyCache, PORT: '9123', MODEL_SOURCE: 'local' });
		expect(config.port).toBe(9123);
		expect(config.modelSource).toBe('local');
	});

	it('decodes greedily unless BEAM_SIZE says how many beams', () => {
		expect(readConfig({ KOE_CACHE: emptyCache }).beamSize).toBe(1);
		expect(readConfig({ KOE_CACHE: emptyCache, BEAM_SIZE: '5' }).beamSize).toBe(5);
		expect(() => readConfig({ BEAM_SIZE: '0' })).toThrow(/BEAM_SIZE: "0".*integer from 1 to 16/);
	});

	it('names the variable and the allowed values for a bad one', () => {
		expect(() => readConfig({ PORT: 'ninety' })).toThrow(/PORT: "ninety".*integer from 1 to 65535/);
		expect(() => readConfig({ MODEL_SOURCE: 's3' })).toThrow(/MODEL_SOURCE: "s3".*local or hub/);
	});
});
