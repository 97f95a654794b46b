/** A small seeded PRNG (mulberry32): the same seed gives the same inputs on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Inputs that make backtracking regexes slow: long runs of what optional groups match
 * (spaces, tabs, digits, separators), each followed by a character that makes the match
 * fail at the very end, plus seeded random strings of header characters.
 */
export function hostileHeaderValues(sizes: number[], seed = 13): string[] {
  const out: string[] = [];
  const runs = [' ', '\t', '0', '-', '=', ',', ';', 'a', '%', ' -', '0-', 'bytes=', '\\t ', '*/'];
  for (const n of sizes) {
    for (const r of runs) {
      const body = r.repeat(Math.ceil(n / r.length)).slice(0, n);
      out.push(body + 'x', `bytes=${body}-${body}x`, `Bearer${body}x`, `bytes=${body}`);
      out.push(`bytes=${' '.repeat(n / 2)}-${' '.repeat(n / 2)}x`);
    }
    const rnd = seeded(seed + n);
    const alphabet = ' \t-=,;0123456789abcdefbytesBEARER"%/:.*';
    for (let k = 0; k < 20; k++) {
      let s = rnd() < 0.5 ? 'bytes=' : '';
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      out.push(s);
    }
  }
  return out;
}

/**
 * The slowest single call of fn over the inputs (shortest first), in milliseconds, and
 * its input. It stops at the first call over the budget: a backtracking parser would
 * otherwise spend hours on the longer inputs before the test could report it.
 */
export function slowestCall(
  inputs: string[],
  fn: (s: string) => unknown,
  budgetMs: number,
): { ms: number; input: string } {
  let worst = { ms: 0, input: '' };
  for (const input of [...inputs].sort((a, b) => a.length - b.length)) {
    const t0 = process.hrtime.bigint();
    fn(input);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > worst.ms) worst = { ms, input };
    if (ms >= budgetMs) break;
  }
  return worst;
}
