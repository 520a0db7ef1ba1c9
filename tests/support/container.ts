/**
 * @file Koe's image in podman, for the container test and the container bench: whether podman is
 * here, building the image (`npm run image`), and a running container of it on a free loopback
 * port with the local test models mounted at /models and a named volume at /data.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { cacheDirFrom } from '../../src/lib/server/config';
import { freePort } from './server';

/** The podman settings these machines need (see the file); an operator's CONTAINERS_CONF wins. */
const env = { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.resolve('deploy/containers.conf') };

export function podman(...args: string[]): string {
	return execFileSync('podman', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Why the container tests cannot run here, or null when they can. */
export function podmanMissing(): string | null {
	const probe = spawnSync('podman', ['--version'], { env, encoding: 'utf8' });
	return probe.error ? 'podman is not installed (Debian/Ubuntu: apt-get install podman runc debootstrap)' : null;
}

/** Builds koe:<flavour> as `npm run image` does; a build with nothing changed takes seconds. */
export function buildImage(flavour: 'cpu' | 'cuda' = 'cpu'): string {
	execFileSync('bash', ['scripts/image.sh', flavour], { env, stdio: 'inherit', timeout: 40 * 60_000 });
	return `koe:${flavour}`;
}

export function imageSizeBytes(image: string): number {
	return Number(podman('image', 'inspect', image, '--format', '{{.Size}}'));
}

export interface RunningContainer {
	name: string;
	url: string;
	volume: string;
	logs(): string;
	/** Waits until /health answers 200; rejects with the log if the container stops first. */
	ready(timeoutMs?: number): Promise<void>;
	restart(): void;
	remove(): void;
}

/** Starts the image with the local models read-only at /models and a fresh volume at /data. */
export async function runContainer(image: string, environment: Record<string, string> = {}): Promise<RunningContainer> {
	const name = `koe-test-${randomUUID().slice(0, 8)}`;
	const volume = `${name}-data`;
	const port = await freePort();
	const models = process.env.MODEL_DIR ?? path.join(cacheDirFrom(process.env), 'models');
	podman('volume', 'create', volume);
	const settings = Object.entries({ MODEL: 'tiny.en', RATE_LIMIT_PER_MINUTE: '0', ...environment }).flatMap(([key, value]) => [
		'-e',
		`${key}=${value}`
	]);
	podman(
		'run',
		'-d',
		'--name',
		name,
		'-p',
		`127.0.0.1:${port}:9000`,
		'-v',
		`${models}:/models:ro`,
		'-v',
		`${volume}:/data`,
		...settings,
		image
	);
	const url = `http://127.0.0.1:${port}`;
	const logs = () => spawnSync('podman', ['logs', name], { env, encoding: 'utf8' }).output.join('');
	return {
		name,
		url,
		volume,
		logs,
		async ready(timeoutMs = 120_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				const status = await fetch(`${url}/health`).then(
					(response) => response.status,
					() => 0
				);
				if (status === 200) return;
				if (podman('inspect', name, '--format', '{{.State.Running}}') !== 'true') throw new Error(`The container stopped:\n${logs()}`);
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
			throw new Error(`The container was not ready within ${timeoutMs / 1000} s:\n${logs()}`);
		},
		restart() {
			podman('restart', '--time', '10', name);
		},
		remove() {
			spawnSync('podman', ['rm', '--force', '--time', '5', name], { env });
			spawnSync('podman', ['volume', 'rm', '--force', volume], { env });
		}
	};
}
