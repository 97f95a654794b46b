import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { TermClient, pidAlive } from './terminal-client.js';

const skip = process.platform === 'win32' ? 'the pty tests use a POSIX shell' : null;
// A plain sh: the machine's own bash profile (pyenv, conda...) can take seconds to start.
process.env.SHELL = '/bin/sh';

describe.skipIf(skip !== null)('terminal sessions through the UI API (real pty)', () => {
  let st: TestStation;

  beforeAll(async () => {
    st = await startTestStation();
  });
  afterAll(async () => {
    await st?.stop();
  });

  it('echoes, resizes (stty size follows), lists, and closes when the shell exits', async () => {
    const t = await TermClient.open(st, { kind: 'local', cols: 100, rows: 30 });
    expect(t.info).toMatchObject({ kind: 'local', title: 'Station shell', cols: 100, rows: 30 });

    t.send('echo "hel""lo-$((6*7))"\r');
    await t.waitFor(/hello-42/);

    t.send('stty size\r');
    await t.waitFor(/\b30 100\b/);
    t.resize(132, 43);
    t.send('stty size\r');
    await t.waitFor(/\b43 132\b/);

    const list = (await (await st.api('/api/v1/terminals')).json()) as {
      id: string;
      attached: boolean;
    }[];
    expect(list).toEqual([
      expect.objectContaining({ id: t.info.id, attached: true, cols: 132, rows: 43 }),
    ]);

    t.send('exit 7\r');
    expect(await t.closed).toBe(1000);
    expect(t.exit).toMatchObject({ type: 'exit', exitCode: 7 });
    expect(pidAlive(t.info.pid)).toBe(false);
    expect(await (await st.api('/api/v1/terminals')).json()).toEqual([]);
  });

  it('DELETE ends the shell and what it started in the background', async () => {
    const t = await TermClient.open(st);
    t.send('sleep 600 & echo "bg=$!"\r');
    const bg = Number((await t.waitFor(/bg=(\d+)/))[1]);
    expect(pidAlive(bg)).toBe(true);
    const res = await st.api(`/api/v1/terminals/${t.info.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await t.closed;
    await expect.poll(() => pidAlive(bg)).toBe(false);
    expect(pidAlive(t.info.pid)).toBe(false);
    expect((await st.api(`/api/v1/terminals/${t.info.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});
