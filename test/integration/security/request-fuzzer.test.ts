import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import { rawLine, type RawResponse } from '../../helpers/raw-http.js';
import { fuzzMethods, headerShapes, targetVariants } from '../../helpers/request-shapes.js';

/**
 * Issue 13: a request fuzzer for both listeners. Paths in every encoding, methods,
 * absolute-form request lines, header sizes, Range/If-Range/cookie/authorization shapes.
 * Without the token the UI listener never answers 2xx or 3xx outside its public list;
 * neither listener answers 5xx or hangs; and /api/v1/health stays fast meanwhile.
 */
let s: TestStation;
beforeAll(async () => {
  s = await startTestStation();
  fs.writeFileSync(path.join(s.station.ctx.paths.filesDir, 'f.bin'), Buffer.alloc(4096, 1));
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const uiPaths = [
  '/api/v1/secrets',
  '/api/v1/secrets/admin-password',
  '/api/v1/machines',
  '/api/v1/machines/x/reset',
  '/api/v1/apps',
  '/api/v1/profiles/acme',
  '/api/v1/services',
  '/api/v1/events',
  '/api/v1/settings/network',
  '/api/v1/terminals',
  '/api/v1/bench-default',
  '/api/v1/session/logout',
  '/api/v1/reports/machines/x',
  '/nowhere',
];
const benchPaths = [
  '/agent/v1/plan',
  '/agent/v1/reports',
  '/agent/v1/secrets/admin-password',
  '/t/forged-token/user-data',
  '/files/f.bin',
  '/files/../../etc/passwd',
  '/files/%2e%2e/%2e%2e/etc/passwd',
  '/boot/ipxe?mac=52:54:00:12:34:56',
];

interface Case {
  url: string;
  method: string;
  target: string;
  headers: Record<string, string>;
}

function cases(base: string, paths: string[], variantsPerPath: number): Case[] {
  const host = new URL(base).host;
  const shapes = headerShapes('wrong-token-0123456789');
  const out: Case[] = [];
  let k = 0;
  for (const p of paths) {
    const variants = targetVariants(p, host).slice(0, variantsPerPath);
    for (const target of variants) {
      // Every method and every header shape, spread over the variants (not all products).
      const method = fuzzMethods[k % fuzzMethods.length]!;
      const headers = shapes[k % shapes.length]!;
      out.push({ url: base, method, target, headers });
      k++;
    }
    for (const method of fuzzMethods) out.push({ url: base, method, target: p, headers: {} });
    for (const headers of shapes) out.push({ url: base, method: 'GET', target: p, headers });
  }
  return out;
}

async function send(c: Case): Promise<RawResponse> {
  const body = ['POST', 'PUT', 'PATCH'].includes(c.method) ? '{"x":1}' : '';
  return rawLine(c.url, c.method, c.target, c.headers, body);
}

/** Runs the cases on `workers` connections at once; returns every answer with its case. */
async function run(all: Case[], workers: number): Promise<[Case, RawResponse][]> {
  const out: [Case, RawResponse][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < all.length) {
        const c = all[next++]!;
        out.push([c, await send(c)]);
      }
    }),
  );
  return out;
}

/** The target as the router sees it (one round of %XX decoding). */
function decoded(target: string): string {
  try {
    return decodeURIComponent(target);
  } catch {
    return target;
  }
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

describe('request fuzzer', () => {
  it('never lets a request without the token through the UI listener; no 5xx anywhere; health stays fast', async () => {
    const ui = cases(s.uiUrl, uiPaths, 40);
    const bench = cases(s.benchUrl, benchPaths, 20);

    // Health's own time on this machine right now, before any fuzzing: a loaded CI machine
    // (other test files run beside this one) is slower for every request, fuzzed or not.
    const idle: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const r = await fetch(`${s.uiUrl}/api/v1/health`);
      await r.arrayBuffer();
      idle.push(performance.now() - t0);
    }

    // Health sampled all along, on its own connections.
    const samples: number[] = [];
    let fuzzing = true;
    const sampler = (async () => {
      while (fuzzing) {
        const t0 = performance.now();
        const r = await fetch(`${s.uiUrl}/api/v1/health`);
        await r.arrayBuffer();
        expect(r.status).toBe(200);
        samples.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    let results: [Case, RawResponse][];
    try {
      results = [...(await run(ui, 4)), ...(await run(bench, 4))];
    } finally {
      fuzzing = false;
      await sampler;
    }

    const uiLeaks = results
      .filter(([c, r]) => c.url === s.uiUrl && (r.status < 400 || r.status >= 500))
      .map(
        ([c, r]) => `${r.status} ${c.method} ${c.target} ${JSON.stringify(c.headers).slice(0, 80)}`,
      );
    expect(uiLeaks).toEqual([]);

    const benchErrors = results
      .filter(([c, r]) => c.url === s.benchUrl && (r.status === 0 || r.status >= 500))
      .map(([c, r]) => `${r.status} ${c.method} ${c.target}`);
    expect(benchErrors).toEqual([]);
    // The agent API and answer files need a machine's token: none here opens anything.
    const benchOpen = results
      .filter(
        ([c, r]) =>
          c.url === s.benchUrl &&
          /agent\/v1|\/t\//i.test(decoded(c.target)) &&
          r.status >= 200 &&
          r.status < 300,
      )
      .map(([c, r]) => `${r.status} ${c.method} ${c.target}`);
    expect(benchOpen).toEqual([]);
    // Nothing outside the files dir, in any encoding.
    expect(results.some(([, r]) => r.body.includes('root:x:0:0'))).toBe(false);

    process.stderr.write(
      `request fuzzer: ${results.length} requests, health p95 ${p95(samples).toFixed(1)} ms over ${samples.length} samples\n`,
    );
    expect(samples.length).toBeGreaterThan(10);
    const p = p95(samples);
    // The bar is 100 ms (issue 13); here it is a few ms. On a machine already slow before the
    // fuzzing started, the bar is 5x its own idle p95: a request that stalls the event loop
    // (the Range bug took seconds) still fails it, a busy neighbour does not.
    const bar = Math.max(100, 5 * p95(idle));
    expect(
      p,
      `health p95 ${p.toFixed(1)} ms over ${samples.length} samples (idle p95 ${p95(idle).toFixed(1)} ms)`,
    ).toBeLessThan(bar);
  }, 180_000);
});
