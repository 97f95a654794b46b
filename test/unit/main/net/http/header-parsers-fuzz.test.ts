import { describe, expect, it } from 'vitest';
import { bearer } from '../../../../../main/net/http/auth.js';
import { parseRange } from '../../../../../main/net/http/files.js';
import { maskUrl } from '../../../../../main/log/logger.js';
import { originAllowed } from '../../../../../main/terminal/origin.js';
import { hostileHeaderValues, slowestCall } from '../../../../helpers/fuzz.js';

/**
 * Every parser that reads a request header or the URL runs on attacker bytes before any
 * token check. Each must take time linear in its input: the budget below is about ten
 * times what the slowest linear parse of 64 KiB needs here on a loaded machine, and far
 * below what the old Range regex needed for 4 KB (seconds; issue 13 item 2), so CI's
 * slower machine passes and a backtracking parser does not.
 */
const budgetMs = 250;
// Node's default header limit is 16 KiB; a proxy or a changed limit could allow more.
const inputs = hostileHeaderValues([64, 256, 1024, 2048, 4096, 16 * 1024, 64 * 1024]);

const parsers: [string, (s: string) => unknown][] = [
  ['parseRange', (s) => parseRange(s, 1_000_000)],
  ['bearer', (s) => bearer(s)],
  ['maskUrl', (s) => maskUrl(`/t/${s}?token=${s}&key=${s}`)],
  ['originAllowed', (s) => originAllowed(`http://${s}`, { host: '127.0.0.1', port: 7780 }, [])],
];

describe('header parsers stay linear on hostile input', () => {
  it.each(parsers)('%s', (_name, parse) => {
    // Warm up the JIT so the first measured call is not the compile.
    for (const s of inputs.slice(0, 20)) parse(s);
    const worst = slowestCall(inputs, parse, budgetMs);
    expect(
      worst.ms,
      `slowest input (${worst.input.length} chars): ${JSON.stringify(worst.input.slice(0, 60))}...`,
    ).toBeLessThan(budgetMs);
  });

  it('the audit header: bytes= + spaces + - + spaces + x', () => {
    // The audit sent 2,500 + 2,500 (19 s with the old regex); 1,000 + 1,000 took about 0.8 s.
    const h = `bytes=${' '.repeat(1000)}-${' '.repeat(1000)}x`;
    const t0 = process.hrtime.bigint();
    expect(parseRange(h, 1000)).toEqual({ kind: 'full' });
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(budgetMs);
  });

  it('still parses the ranges boot clients send, with optional whitespace', () => {
    expect(parseRange('bytes= 0 - 99 ', 1000)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(parseRange('BYTES=10-', 1000)).toEqual({ kind: 'partial', start: 10, end: 999 });
    expect(parseRange('bytes=1-2-3', 1000)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=+1-2', 1000)).toEqual({ kind: 'full' });
    expect(bearer('Bearer   xyz  ')).toBe('xyz');
    expect(bearer('bearer\txyz')).toBe('xyz');
    expect(bearer('Bearerxyz')).toBeUndefined();
    expect(bearer('Bearer ')).toBeUndefined();
  });
});
