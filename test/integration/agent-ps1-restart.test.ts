import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { agentScriptPath } from '../../main/agent/scripts/routes.js';
import { requireOrSkip } from '../helpers/env.js';
import { powerCutBench } from '../helpers/fixtures.js';
import { pwshEnv, pwshPath, pwshUnavailable } from '../helpers/pwsh.js';
import {
  expectEveryReportOnce,
  logLines,
  setSecret,
  setupPs1,
  startPs1Agent,
  stepEntries,
  stepsBut,
} from './agent-ps1-helpers.js';
import { waitFor } from './agent-sh-helpers.js';

/**
 * agent.ps1 under PowerShell 7 on Linux against a station on loopback, what it must not
 * lose: a power cut in the middle of a step (the same attempt runs again, counted once), a
 * half-finished download resumed with Range, the station stopped and started again mid-plan
 * (every report stored once), and a secret fetched from /agent/v1/secrets/:name by the
 * agent's own HTTP code. The plan scenario with every exit code is agent-ps1.test.ts.
 */

const skip = requireOrSkip(pwshUnavailable());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const setup = (tag: string) => setupPs1(tag, cleanups);

describe.skipIf(skip)('agent.ps1 under pwsh: power cut, station restart, secrets', () => {
  it('a power cut mid-step, a resumed Range download and a station restart lose no report', async () => {
    const { tmp, s, agents } = await setup('restart');
    const work = path.join(tmp, 'machine');
    fs.mkdirSync(work);
    const bench = powerCutBench('ps1-restart', work);
    s.writeProfile(bench.profile);
    await s.start();
    await setSecret(s, 'admin-password', 'Bench-admin-1');
    for (const p of bench.packages) await s.importApp(p.id, p.fileName, p.body);
    const { id, token } = await s.deploy('52:54:00:16:01:01', 'ps1-restart');
    const stateDir = path.join(tmp, 'agent-state');
    const run = () => {
      const a = startPs1Agent({
        station: s.benchUrl,
        token,
        stateDir,
        rebootMarker: path.join(tmp, 'reboot'),
      });
      agents.push(a);
      return a;
    };

    const first = run();
    await waitFor('slow1 to run', () => fs.existsSync(path.join(work, 'slow1-runs')), 240_000);
    first.kill();
    await first.exited;
    fs.writeFileSync(path.join(work, 'slow1-go'), '');

    // Half of the big download is already on disk: the agent must resume it with Range.
    const bigPkg = await s.json<{ path: string }>('/api/v1/apps/big');
    const onDisk = fs.readFileSync(path.join(s.dataDir, 'files', bigPkg.path));
    fs.mkdirSync(path.join(stateDir, 'downloads'), { recursive: true });
    fs.writeFileSync(
      path.join(stateDir, 'downloads', 'app-big-big.sh'),
      onDisk.subarray(0, 1024 * 1024),
    );

    const second = run();
    await waitFor('slow2 to run', () => fs.existsSync(path.join(work, 'slow2-runs')), 240_000);
    await s.stop();
    await new Promise((r) => setTimeout(r, 5000));
    expect(fs.readFileSync(path.join(work, 'slow2-runs'), 'utf8')).toBe('run\n');
    const queued = fs.readdirSync(path.join(stateDir, 'queue')).filter((f) => f.endsWith('.json'));
    expect(queued.length).toBeGreaterThan(0);
    await s.start();

    expect(await second.wait(), second.output()).toBe(0);
    const d = await s.detail(id);
    expect(d.machine.state).toBe('done');
    expect(stepsBut(d, 'config-local-admin').map((x) => [x.id, x.status, x.attempt])).toEqual([
      ['inventory', 'succeeded', 1],
      ['app-slow1', 'succeeded', 1],
      ['app-slow2', 'succeeded', 1],
      ['app-big', 'succeeded', 1],
    ]);
    expect(fs.readFileSync(path.join(work, 'slow1-runs'), 'utf8')).toBe('run\nrun\n');
    const log = await s.log(id);
    expectEveryReportOnce(log);
    expect(stepEntries(log, 'app-slow1')).toEqual([
      'started#1',
      'dup step-started#1',
      'succeeded#1',
    ]);
    expect(stepEntries(log, 'app-slow2')).toEqual(['started#1', 'succeeded#1']);
    expect(logLines(log, 'app-big')).toMatch(/resuming download at byte 1048576/);
    expect(logLines(log, 'app-big')).toMatch(/sha256 verified/);
  }, 400_000);

  it('fetches a secret its plan names from /agent/v1/secrets/:name, and only those', async () => {
    const { tmp, s } = await setup('secret');
    s.writeProfile({
      id: 'ps1-secret',
      name: 'Secret test',
      target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
      admin: { username: 'tech', password: { secret: 'admin-password' } },
      config: [
        {
          id: 'wifi',
          type: 'wifi',
          ssid: 'Office',
          security: 'wpa2-personal',
          passphrase: { secret: 'office-wifi' },
        },
      ],
    });
    await s.start();
    await setSecret(s, 'admin-password', 'Bench-admin-1');
    await setSecret(s, 'office-wifi', `p&ss <w'ord> \u00e9`);
    const { token } = await s.deploy('52:54:00:16:02:01', 'ps1-secret');
    const scripts = path.dirname(agentScriptPath('agent.ps1'));
    // The agent's own HTTP code (agent-core.ps1), as Set-WifiStep and the local admin step
    // call it; the value only goes to a file the test reads, never to the output.
    const out = path.join(tmp, 'secret.txt');
    const script = [
      'Set-StrictMode -Version 3.0',
      "$ErrorActionPreference = 'Stop'",
      '$script:Utf8 = New-Object Text.UTF8Encoding($false)',
      `$StateDir = '${tmp}'; $Station = '${s.benchUrl}'; $Token = '${token}'`,
      `. '${path.join(scripts, 'agent-core.ps1')}'`,
      `[IO.File]::WriteAllText('${out}', (Get-StationSecret 'office-wifi'), $script:Utf8)`,
      "try { Get-StationSecret 'not-in-plan' | Out-Null; 'no error' } catch { $_.Exception.Message }",
    ].join('\n');
    // Asynchronously: the station runs in this process and must keep answering.
    const { stdout: res } = await promisify(execFile)(
      pwshPath()!,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script],
      {
        encoding: 'utf8',
        env: pwshEnv(),
        timeout: 120_000,
      },
    );
    expect(fs.readFileSync(out, 'utf8')).toBe(`p&ss <w'ord> \u00e9`);
    expect(res).toMatch(
      /secret "not-in-plan" not fetched \(HTTP 404: This machine's plan references no secret/,
    );
    expect(res).not.toContain('p&ss');
  }, 200_000);
});
