import { describe, expect, it } from 'vitest';
import { OutputBatcher } from '../../../../main/terminal/output-batcher.js';
import { ManualTimers } from './fake-timers.js';

const kib = (n: number) => Buffer.alloc(n * 1024, 0x61);

describe('OutputBatcher', () => {
  const cases: [name: string, chunks: Buffer[], advanceMs: number, frames: number[]][] = [
    ['nothing before 16 ms', [Buffer.from('ab'), Buffer.from('c')], 15, []],
    ['one frame of everything at 16 ms', [Buffer.from('ab'), Buffer.from('c')], 16, [3]],
    ['200 KiB go at once, without waiting', [kib(150), kib(50)], 0, [200 * 1024]],
    ['over 200 KiB then a tail on the timer', [kib(199), kib(2), kib(1)], 16, [201 * 1024, 1024]],
    ['empty chunks are no frame', [Buffer.alloc(0)], 100, []],
  ];
  it.each(cases)('%s', (_name, chunks, advanceMs, frames) => {
    const timers = new ManualTimers();
    const out: Buffer[] = [];
    const b = new OutputBatcher((f) => out.push(f), timers);
    for (const c of chunks) b.push(c);
    timers.advance(advanceMs);
    expect(out.map((f) => f.length)).toEqual(frames);
  });

  it('keeps the bytes in order across frames', () => {
    const timers = new ManualTimers();
    const out: Buffer[] = [];
    const b = new OutputBatcher((f) => out.push(f), timers, 16, 4);
    for (const s of ['ab', 'cd', 'e', 'fgh', 'i']) b.push(Buffer.from(s));
    timers.advance(16);
    expect(Buffer.concat(out).toString()).toBe('abcdefghi');
    expect(out.map(String)).toEqual(['abcd', 'efgh', 'i']);
  });

  it('dispose drops what waits and leaves no timer', () => {
    const timers = new ManualTimers();
    const out: Buffer[] = [];
    const b = new OutputBatcher((f) => out.push(f), timers);
    b.push(Buffer.from('x'));
    b.dispose();
    expect(timers.pending).toBe(0);
    timers.advance(100);
    expect(out).toEqual([]);
  });
});
