import { describe, expect, it } from 'vitest';
import { startTestStation } from '../helpers/station.js';
import { TermClient, connect, liveChildren, pidAlive } from './terminal-client.js';

const skip = process.platform !== 'linux' ? 'counting child processes reads /proc (Linux)' : null;
// A plain sh: the machine's own bash profile (pyenv, conda...) can take seconds to start.
process.env.SHELL = '/bin/sh';

describe.skipIf(skip !== null)('terminal processes end', () => {
  it('with the station: shells, their jobs and ssh, none left behind', async () => {
    const before = new Set(liveChildren());
    const st = await startTestStation();
    const a = await TermClient.open(st);
    a.send('sleep 600 & echo "job=$!"\r');
    const job = Number((await a.waitFor(/job=(\d+)/))[1]);
    const b = await TermClient.open(st);
    b.send('sleep 601\r');
    // Never attached: still the station's to end.
    const c = (await (
      await st.api('/api/v1/terminals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'local' }),
      })
    ).json()) as { pid: number };

    const pids = [a.info.pid, b.info.pid, c.pid, job];
    await expect
      .poll(() => liveChildren().filter((p) => !before.has(p)).length)
      .toBeGreaterThanOrEqual(3);
    expect(pids.every(pidAlive)).toBe(true);

    await st.stop();
    for (const pid of pids) expect(pidAlive(pid), `pid ${pid}`).toBe(false);
    expect(liveChildren().filter((p) => !before.has(p))).toEqual([]);
    expect(a.closeCode).not.toBeNull();
  });

  it('when the tab is gone longer than the grace, or comes back within it', async () => {
    const st = await startTestStation();
    const t = await TermClient.open(st);
    t.send('echo "mark-$((3*3))"\r');
    await t.waitFor(/mark-9/);
    // A reload: the socket drops and a new one takes the same shell.
    t.ws.terminate();
    await t.closed;
    const again = await connect(st, t.info.id);
    let out = '';
    again.on('message', (d: Buffer, bin) => bin && (out += d.toString()));
    again.send(JSON.stringify({ type: 'input', data: 'echo "back-$((4*4))"\r' }));
    await expect.poll(() => out, { timeout: 10_000 }).toMatch(/back-16/);
    again.close();
    await st.stop();
    expect(pidAlive(t.info.pid)).toBe(false);
  });
});
