/**
 * @file A real Redis for the tests of the Redis backend: Debian's redis-server on a free loopback
 * port, in memory only, stopped after the test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './server';

export interface TestRedis {
	url: string;
	stop(): Promise<void>;
}

/** Why Redis tests cannot run here, or null when they can. */
export function redisMissing(): string | null {
	return spawnSync('redis-server', ['--version']).error
		? 'redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)'
		: null;
}

const answers = (port: number) =>
	new Promise<boolean>((resolve) => {
		const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
		socket.on('data', (data) => (socket.end(), resolve(data.toString().startsWith('+PONG'))));
		socket.on('error', () => resolve(false));
	});

export async function startRedis(): Promise<TestRedis> {
	const port = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore'
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	for (let i = 0; i < 100 && !(await answers(port)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
	return {
		url: `redis://127.0.0.1:${port}`,
		async stop() {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}
