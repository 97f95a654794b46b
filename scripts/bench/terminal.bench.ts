/**
 * Benchmark, not a test: terminal output throughput, the station against raw node-pty.
 * Run: npx vitest bench --run --project unit scripts/bench/terminal.bench.ts
 * (one project: without --project every vitest project would run it at once).
 *
 * The same command (TERM_BENCH_MB of output, default 50) runs once straight in node-pty
 * (the reference: what the pty itself delivers on this machine) and once through the
 * station: POST /api/v1/terminals, the session's WebSocket, batching, flow control and
 * acks, read by a client that acks like the panel. Printed: MiB/s of each, their ratio,
 * and the UI API's latency while the flood runs against its latency when idle.
 */
import { spawn } from 'node-pty';
import { bench, describe } from 'vitest';
import { startTestStation } from '../../test/helpers/station.js';
import { TermClient } from '../../test/integration/terminal-client.js';

const MB = 1024 * 1024;
const SIZE = Number(process.env.TERM_BENCH_MB ?? 50) * MB;
const COMMAND = `head -c ${SIZE} /dev/zero | tr '\\0' x`;
process.env.SHELL = '/bin/sh';

function rawPty(): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let n = 0;
    const p = spawn('/bin/sh', ['-c', COMMAND], { encoding: null, cols: 80, rows: 24 });
    p.onData((d) => (n += d.length));
    p.onExit(() => resolve(n / MB / ((performance.now() - t0) / 1000)));
  });
}

async function latency(api: (p: string) => Promise<Response>, until: () => boolean) {
  const out: number[] = [];
  do {
    const t0 = performance.now();
    await (await api('/api/v1/services')).arrayBuffer();
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  } while (!until() && out.length < 10_000);
  return out.sort((a, b) => a - b);
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

describe('terminal throughput', () => {
  bench(
    `station vs node-pty, ${SIZE / MB} MiB`,
    // tinybench may call this again for its statistics; the flood runs once.
    () => (once ??= measure()),
    { iterations: 1, warmupIterations: 0, warmupTime: 0, time: 0 },
  );
});

let once: Promise<void> | null = null;

async function measure(): Promise<void> {
  const reference = await rawPty();
  const st = await startTestStation();
  try {
    let n = 0;
    const idle = await latency(st.api, () => ++n >= 20);
    const t = await TermClient.open(st);
    await t.waitFor(/[$#] $/);
    const t0 = performance.now();
    t.send(`${COMMAND}; echo; echo END-$((1+1))-END\r`);
    let done = false;
    const flood = t.waitFor(/END-2-END/, 600_000).finally(() => (done = true));
    const busy = await latency(st.api, () => done);
    await flood;
    const station = t.received / MB / ((performance.now() - t0) / 1000);
    console.log(
      [
        `node-pty alone: ${reference.toFixed(1)} MiB/s; through the station: ${station.toFixed(1)} MiB/s; ratio ${(station / reference).toFixed(2)}`,
        `UI API latency idle: median ${pct(idle, 0.5).toFixed(1)} ms, p95 ${pct(idle, 0.95).toFixed(1)} ms; ` +
          `during the flood: median ${pct(busy, 0.5).toFixed(1)} ms, p95 ${pct(busy, 0.95).toFixed(1)} ms (${busy.length} requests)`,
      ].join('\n'),
    );
  } finally {
    await st.stop();
  }
}
