import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { TermClient, pidAlive } from './terminal-client.js';

const skip = process.platform === 'win32' ? 'the pty tests use a POSIX shell' : null;
// A plain sh: the machine's own bash profile (pyenv, conda...) can take seconds to start.
process.env.SHELL = '/bin/sh';

const MB = 1024 * 1024;

describe.skipIf(skip !== null)('terminal output floods', () => {
  let st: TestStation;

  beforeAll(async () => {
    st = await startTestStation();
  });
  afterAll(async () => {
    await st?.stop();
  });

  it('50 MB of output reach the tab and other requests keep being answered meanwhile', async () => {
    const t = await TermClient.open(st);
    t.send(`head -c ${50 * MB} /dev/zero | tr '\\0' x; echo; echo FLOOD-$((1+1))-DONE\r`);

    const latencies: number[] = [];
    let done = false;
    const flood = t.waitFor(/FLOOD-2-DONE/, 170_000).finally(() => (done = true));
    while (!done) {
      const t0 = performance.now();
      const res = await st.api('/api/v1/services');
      expect(res.status).toBe(200);
      await res.json();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
    await flood;
    expect(t.received).toBeGreaterThanOrEqual(50 * MB);
    // Requests were answered during the flood, not only after it.
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `flood: ${(t.received / MB).toFixed(1)} MiB to the tab; ${latencies.length} API requests meanwhile, ` +
        `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
    await st.api(`/api/v1/terminals/${t.info.id}`, { method: 'DELETE' });
  }, 180_000);

  it('a tab that stops acknowledging pauses the shell: the station does not buffer the flood', async () => {
    const t = await TermClient.open(st, { kind: 'local' }, { ack: false });
    t.send(`head -c ${40 * MB} /dev/zero | tr '\\0' y; echo SLOW-$((2+2))-END\r`);
    await expect.poll(() => t.received, { timeout: 20_000 }).toBeGreaterThan(2 * MB);
    // Let whatever was in flight arrive, then nothing more may come while no ack is sent.
    await new Promise((r) => setTimeout(r, 1000));
    const held = t.received;
    await new Promise((r) => setTimeout(r, 1500));
    expect(t.received).toBe(held);
    // The high mark (2 MiB unacknowledged) plus at most a frame or two past it.
    expect(held).toBeLessThan(3 * MB);
    expect((await st.api('/api/v1/health')).status).toBe(200);

    // Acknowledging lets it go on.
    t.ws.send(JSON.stringify({ type: 'ack', bytes: held }));
    await expect.poll(() => t.received, { timeout: 10_000 }).toBeGreaterThan(held);

    // A paused shell still ends when its tab closes.
    const res = await st.api(`/api/v1/terminals/${t.info.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await expect.poll(() => pidAlive(t.info.pid)).toBe(false);
  }, 60_000);
});
