import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const bin = path.resolve('bin/prepstation.js');

interface Running {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Running[] = [];

function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    env: { ...process.env, PREPSTATION_LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const r = { child, out: () => out, exited };
  running.push(r);
  return r;
}

async function waitFor<T>(fn: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
});

// Generous timeouts: on a loaded 2-core machine a cold start of node + native modules can take
// seconds. Readiness time is printed, not asserted (speed is for benchmarks).
describe('prepstation serve (the real CLI)', { timeout: 180_000 }, () => {
  it('answers health, refuses without token, lists services with it, stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-serve-'));
    const t0 = Date.now();
    const s = start([
      '--data-dir',
      dataDir,
      '--http-port',
      '0',
      '--ui-port',
      '0',
      '--dhcp-mode',
      'off',
      '--tftp-port',
      '0',
    ]);
    const dash = await waitFor(
      () => /Dashboard: (http:\/\/\S+)\/\?token=(\S+)/.exec(s.out()) ?? undefined,
      90_000,
    );
    const bench = await waitFor(
      () => /Bench listener: (http:\/\/\S+) /.exec(s.out()) ?? undefined,
      30_000,
    );
    const [, ui, token] = dash as unknown as [string, string, string];
    const health = await fetch(`${ui}/api/v1/health`);
    const readyMs = Date.now() - t0;
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, version: expect.any(String) });
    expect((await fetch(`${bench[1]}/health`)).status).toBe(200);
    console.log(`serve: both listeners answering ${readyMs} ms after spawn`);

    const denied = await fetch(`${ui}/api/v1/services`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(
      (
        await fetch(`${ui}/api/v1/services`, {
          headers: { authorization: 'Bearer nope-nope-nope-nope' },
        })
      ).status,
    ).toBe(401);

    const ok = await fetch(`${ui}/api/v1/services`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const services = (await ok.json()) as { name: string; state: string }[];
    expect(services.find((x) => x.name === 'ui')?.state).toBe('running');
    expect(services.find((x) => x.name === 'bench-http')?.state).toBe('running');
    expect(services.find((x) => x.name === 'dhcp')?.state).toBe('disabled');

    // The token is kept for the next start.
    expect(fs.readFileSync(path.join(dataDir, 'ui-token'), 'utf8').trim()).toBe(token);
    expect(fs.existsSync(path.join(dataDir, 'prepstation.db'))).toBe(true);

    const stopAt = Date.now();
    s.child.kill('SIGTERM');
    const { code } = await s.exited;
    console.log(`serve: exited ${Date.now() - stopAt} ms after SIGTERM`);
    expect(code).toBe(0);
    // Secrets stay out of the log file.
    const logs = fs
      .readdirSync(path.join(dataDir, 'logs'))
      .map((f) => fs.readFileSync(path.join(dataDir, 'logs', f), 'utf8'))
      .join('');
    expect(logs).not.toContain(token);
  });

  it('reports a port in use with a fix, and keeps the other listener running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-serve-'));
      const s = start([
        '--data-dir',
        dataDir,
        '--http-port',
        String(busy),
        '--ui-port',
        '0',
        '--tftp-port',
        '0',
      ]);
      const [, ui, token] = (await waitFor(
        () => /Dashboard: (http:\/\/\S+)\/\?token=(\S+)/.exec(s.out()) ?? undefined,
        90_000,
      )) as unknown as [string, string, string];
      const services = (await (
        await fetch(`${ui}/api/v1/services`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { name: string; state: string; error: string; fix: string }[];
      const bench = services.find((x) => x.name === 'bench-http')!;
      expect(bench.state).toBe('failed');
      expect(bench.error).toContain(`${busy}`);
      expect(bench.error).toMatch(/already in use/);
      expect(bench.fix).toMatch(/--http-port/);
      expect(services.find((x) => x.name === 'ui')?.state).toBe('running');
      s.child.kill('SIGINT');
      expect((await s.exited).code).toBe(0);
    } finally {
      blocker.close();
    }
  });

  it('refuses a bad option value, naming the option and what is allowed', async () => {
    const s = start([
      '--data-dir',
      fs.mkdtempSync(path.join(os.tmpdir(), 'ps-serve-')),
      '--dhcp-mode',
      'sometimes',
    ]);
    const { code } = await s.exited;
    expect(code).toBe(2);
    expect(s.out()).toMatch(/--dhcp-mode.*off, proxy, full/);
  });
});
