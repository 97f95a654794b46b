import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { TermClient, connect, liveChildren, pidAlive } from './terminal-client.js';

const skip = process.platform !== 'linux' ? 'counting child processes reads /proc (Linux)' : null;
// A plain sh: the machine's own bash profile (pyenv, conda...) can take seconds to start.
process.env.SHELL = '/bin/sh';

describe.skipIf(skip !== null)('terminal processes end', () => {
  it('with the station: shells, their background jobs, never-attached shells; none left', async () => {
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

  it('not when the socket drops and a tab comes back within the grace (a reload)', async () => {
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

const cli = path.resolve('bin/prepstation.js');
const built = fs.existsSync(path.resolve('dist/main/cli.js'));

describe.skipIf(skip !== null || !built)(
  `prepstation serve ends its terminals${built ? '' : ' (skipped: not built; npm run build)'}`,
  () => {
    it('counting the station process’s children: after DELETE and after SIGTERM', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps10-serve-'));
      const child = spawn(
        process.execPath,
        [
          cli,
          'serve',
          '--data-dir',
          dataDir,
          '--ui-port',
          '0',
          '--http-port',
          '0',
          '--tftp-port',
          '0',
        ],
        { env: { ...process.env, SHELL: '/bin/sh', PREPSTATION_LOG_LEVEL: 'warn' } },
      );
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        await expect
          .poll(() => out, { timeout: 30_000 })
          .toMatch(/Dashboard: (\S+)\/\?token=(\S+)/);
        const [, uiUrl, token] = /Dashboard: (\S+)\/\?token=(\S+)/.exec(out)!;
        const st = {
          uiUrl: uiUrl!,
          token: token!,
          api: (p: string, init: RequestInit = {}) =>
            fetch(uiUrl + p, {
              ...init,
              headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
            }),
        } as unknown as TestStation;

        const a = await TermClient.open(st);
        a.send('sleep 600 & echo "job=$!"\r');
        const job = Number((await a.waitFor(/job=(\d+)/))[1]);
        const b = await TermClient.open(st);
        await expect.poll(() => liveChildren(child.pid!).length).toBe(2);
        expect(liveChildren(child.pid!).sort()).toEqual([a.info.pid, b.info.pid].sort());

        expect((await st.api(`/api/v1/terminals/${b.info.id}`, { method: 'DELETE' })).status).toBe(
          200,
        );
        expect(liveChildren(child.pid!)).toEqual([a.info.pid]);

        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        for (const pid of [a.info.pid, b.info.pid, job])
          expect(pidAlive(pid), `pid ${pid}`).toBe(false);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await exited;
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
