/**
 * @file What every benchmark reports about where it ran, and how it reads memory: the machine
 * line, a process's resident memory from /proc, and the browser tab's from ps.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** "2 cores, AMD EPYC, 24 GiB, Node v20.20.2": the lines RESULTS files are dated with. */
export function describeMachine(): string {
	const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
	return `${os.cpus().length} cores, ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const today = () => new Date().toISOString().slice(0, 10);

/** A process's resident memory now (VmRSS) or at its peak (VmHWM), in MB; 0 once it is gone. */
export function processMemoryMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
	try {
		const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) / 1024 : 0;
	} catch {
		return 0;
	}
}

/** Resident memory (MB) of the largest Chromium renderer: the tab (the others are browser UI). */
export function tabRssMb(): number {
	let largest = 0;
	for (const line of execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' }).split('\n')) {
		if (line.includes('--type=renderer')) largest = Math.max(largest, Number(line.trim().split(/\s+/)[0]) / 1024);
	}
	return largest;
}
