/** A process's resident memory now and its high-water mark, from /proc (Linux). */
import fs from 'node:fs';

export function readRss(pid: number): { rss: number; hwm: number } {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) * 1024;
		return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
	} catch {
		return { rss: 0, hwm: 0 };
	}
}
