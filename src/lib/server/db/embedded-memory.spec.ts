/**
 * What the embedded server does to stay within its memory (issue 20): bytes PGlite has
 * compiled are let go, and memory glibc holds free goes back to the system. The figures
 * are measured by `npm run bench:surge`; these check the mechanisms.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { trimMalloc } from './embedded-memory';
import { releasingCompiledBytes } from './pglite';

/** A valid WebAssembly module of about `size` bytes: the header and one custom section. */
function wasmOf(size: number): Uint8Array {
	const payload = new Uint8Array(size);
	const leb = (n: number) => {
		const out: number[] = [];
		do {
			out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
			n >>>= 7;
		} while (n > 0);
		return out;
	};
	const name = [1, 0x78]; // "x"
	const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, ...leb(name.length + size), ...name];
	const bytes = new Uint8Array(header.length + size);
	bytes.set(header);
	bytes.set(payload, header.length);
	return bytes;
}

describe('opening the embedded database', () => {
	it('lets go of module bytes over 1 MB once compiled, and of nothing else', async () => {
		const big = wasmOf(2 ** 21);
		const small = wasmOf(1000);
		const inside = new Uint8Array(new ArrayBuffer(big.length + 16), 16);
		inside.set(big);
		const sizes = [small.byteLength, inside.byteLength];
		const original = WebAssembly.instantiate;
		await releasingCompiledBytes(async () => {
			expect(WebAssembly.instantiate).not.toBe(original);
			await WebAssembly.instantiate(big);
			await WebAssembly.instantiate(small);
			await WebAssembly.instantiate(inside);
		});
		expect(big.byteLength).toBe(0); // detached: its memory is freed
		// too small to matter, or a view into a buffer that may hold other things: kept
		expect([small.byteLength, inside.byteLength]).toEqual(sizes);
		expect(WebAssembly.instantiate).toBe(original);
	});

	it('restores WebAssembly.instantiate only when the last of several opens has finished, also when one fails', async () => {
		const original = WebAssembly.instantiate;
		let release!: () => void;
		const first = releasingCompiledBytes(() => new Promise<void>((r) => (release = r)));
		await expect(releasingCompiledBytes(() => Promise.reject(new Error('damaged')))).rejects.toThrow('damaged');
		expect(WebAssembly.instantiate).not.toBe(original);
		release();
		await first;
		expect(WebAssembly.instantiate).toBe(original);
	});
});

describe('trimMalloc', () => {
	it('gives back memory freed in the middle of the heap, which glibc alone keeps', () => {
		v8.setFlagsFromString('--expose-gc');
		const gc = vm.runInNewContext('gc') as () => void;
		const rss = () => process.memoryUsage.rss();
		// 64 KB blocks (below glibc's mmap threshold, so in the heap) with 1 KB blocks between them that stay
		let freed: Buffer[] | null = [];
		const kept: Buffer[] = [];
		for (let i = 0; i < 2000; i++) {
			freed.push(Buffer.alloc(64 * 1024, 1));
			kept.push(Buffer.alloc(1024, 1));
		}
		freed = null;
		gc();
		gc();
		const before = rss();
		expect(trimMalloc()).toBe(true);
		const after = rss();
		expect(kept.length).toBe(2000);
		// 125 MB were freed between blocks still in use: trimming returns most of it
		expect(before - after).toBeGreaterThan(64 * 2 ** 20);
	});
});
