import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineDetail } from '../../main/api/contract.js';
import type { ProfileInput } from '../../main/profiles/schema.js';
import { requireOrSkip } from '../helpers/env.js';
import { pwshUnavailable } from '../helpers/pwsh.js';
import {
  alive,
  expectEveryReportOnce,
  logLines,
  setSecret,
  setupPs1,
  startPs1Agent,
  stepEntries,
  stepsBut,
} from './agent-ps1-helpers.js';
import { waitFor, type AgentRun } from './agent-sh-helpers.js';

/**
 * The Windows agent (main/agent/scripts/agent.ps1) run for real under PowerShell 7 on
 * Linux against a station on loopback: everything but agent-windows.ps1 (plan, report
 * queue, resends, Range downloads and SHA-256, timeouts that kill the process tree,
 * retries, reboot-resume, power cut, station restart, the 1618 wait, exit-code mapping).
 * The stand-in installers exit with the Windows codes 0, 1603, 3010, 1641 and 1618, and
 * one hangs. Linux keeps the low 8 bits of an exit status (3010 arrives as 194); the agent
 * compares codes modulo 256 off Windows, so the profiles keep the Windows codes.
 */

const skip = requireOrSkip(pwshUnavailable());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const setup = (tag: string) => setupPs1(tag, cleanups);

describe.skipIf(skip)('agent.ps1 under pwsh through a real plan', () => {
  it('exit codes 0/1603/3010/1641/1618, a hang, retry, checksum, reboots, checks, done', async () => {
    const { tmp, s, agents } = await setup('plan');
    const work = path.join(tmp, 'machine');
    fs.mkdirSync(work);
    const toolBody = `echo "tool installing into $1"\necho ok > "$1/tool-installed"\n`;
    const sh = (
      id: string,
      extra: Partial<ProfileInput['apps'] extends (infer A)[] | undefined ? A : never> = {},
    ) => ({
      id,
      name: id,
      source: { package: id },
      installer: 'sh' as const,
      args: work,
      retries: 0,
      ...extra,
    });
    const profile: ProfileInput = {
      id: 'ps1-test',
      name: 'Windows agent test bench',
      target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
      admin: { username: 'tech', password: { secret: 'admin-password' } },
      apps: [
        sh('tool', { detect: { type: 'file', path: `${work}/tool-installed` } }),
        sh('flaky', { retries: 1 }),
        sh('busy'),
        sh('msi3010'),
        sh('msi1641'),
        sh('hang', { timeoutSeconds: 3 }),
        sh('msi1603'),
        {
          id: 'badsum',
          name: 'Corrupted download',
          source: {
            url: `${s.benchUrl}/files/apps/tool/1/tool.sh`,
            sha256: 'b'.repeat(64),
            size: Buffer.byteLength(toolBody),
          },
          installer: 'sh',
          retries: 0,
        },
      ],
      config: [
        { id: 'motd', type: 'file', path: `${work}/motd`, content: 'hello bench\n' },
        {
          id: 'ps',
          type: 'script',
          shell: 'powershell',
          // Non-ASCII on purpose: step.ps1 is written UTF-8 with a BOM.
          script: `Set-Content -LiteralPath '${work}/ps-ran' -Value 'caf\u00e9' -Encoding utf8; exit 0`,
        },
        {
          id: 'reg',
          type: 'registry',
          key: 'HKLM\\SOFTWARE\\X',
          valueName: 'a',
          kind: 'DWord',
          value: 1,
        },
      ],
      checks: [
        {
          id: 'motd',
          type: 'command',
          shell: 'sh',
          command: `cat ${work}/motd`,
          expectedOutput: 'hello bench',
        },
        { id: 'tool', type: 'app-installed', app: 'tool' },
        { id: 'motd-file', type: 'file-exists', path: `${work}/motd` },
        { id: 'hostname', type: 'hostname' },
      ],
    };
    s.writeProfile(profile);
    await s.start();
    await setSecret(s, 'admin-password', 'Bench-admin-1');
    await s.importApp('tool', 'tool.sh', toolBody);
    await s.importApp(
      'flaky',
      'flaky.sh',
      'if [ -f "$1/flaky-once" ]; then echo "second try works"; exit 0; fi\n' +
        'touch "$1/flaky-once"; echo "first try: network glitch" >&2; exit 5\n',
    );
    // 1618 once (another MSI holds the mutex), then a clean install.
    await s.importApp(
      'busy',
      'busy.sh',
      'if [ -f "$1/busy-once" ]; then echo "installed after the wait"; exit 0; fi\n' +
        'touch "$1/busy-once"; echo "another installation is in progress"; exit 1618\n',
    );
    await s.importApp('msi3010', 'msi3010.sh', 'echo "needs a reboot"; exit 3010\n');
    await s.importApp('msi1641', 'msi1641.sh', 'echo "restarting"; exit 1641\n');
    await s.importApp(
      'hang',
      'hang.sh',
      'echo "hanging"; sleep 600 & echo $! > "$1/hang-child"; wait\n',
    );
    await s.importApp(
      'msi1603',
      'msi1603.sh',
      'echo "fatal error during installation"; exit 1603\n',
    );
    const { id, token } = await s.deploy('52:54:00:16:00:01', 'ps1-test');
    const stateDir = path.join(tmp, 'agent-state');
    const rebootMarker = path.join(tmp, 'reboot-requested');

    // The machine's own copy, parts inlined and token inside, as start.cmd fetches it.
    const res = await fetch(`${s.benchUrl}/t/${token}/agent.ps1`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(`$EmbeddedToken = '${token}'`);
    expect(text).not.toMatch(/^\. \(Join-Path/m);
    const script = path.join(tmp, 'agent.ps1');
    fs.writeFileSync(script, text);

    const run = () => {
      const a = startPs1Agent({ station: s.benchUrl, token, stateDir, rebootMarker, script });
      agents.push(a);
      return a;
    };
    let d: MachineDetail = await s.detail(id);
    const status = (stepId: string) => d.steps.find((x) => x.id === stepId);
    const failedOn = async (stepId: string, agent: AgentRun) => {
      const there = () => d.machine.state === 'failed' && d.machine.failure?.stepId === stepId;
      await waitFor(
        `the machine to fail on ${stepId}`,
        async () => {
          d = await s.detail(id);
          return there() || agent.child.exitCode !== null;
        },
        240_000,
      ).catch(() => undefined);
      if (!there()) {
        const steps = d.steps.map((x) => `${x.id} ${x.status} ${x.message ?? ''}`).join('\n');
        const log = (await s.log(id))
          .filter((e) => e.kind === 'log')
          .flatMap((e) =>
            ((e.data.lines as string[] | undefined) ?? []).map(
              (l) => `${String(e.data.stepId)}: ${l}`,
            ),
          );
        throw new Error(
          `not failed on ${stepId}:\n${steps}\n--- step logs\n${log.join('\n')}\n--- agent\n${agent.output()}`,
        );
      }
    };
    const skipStep = (stepId: string) =>
      s.json(`/api/v1/machines/${id}/steps/${stepId}/skip`, { method: 'POST' });

    // Boot 1: up to the 3010 installer, which asks for a reboot.
    const first = run();
    expect(await first.wait(), first.output()).toBe(0);
    expect(fs.existsSync(rebootMarker)).toBe(true);
    d = await s.detail(id);
    expect(status('inventory')?.status).toBe('succeeded');
    expect(status('app-tool')).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(status('app-flaky')).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(status('app-busy')).toMatchObject({ status: 'succeeded', attempt: 1, exitCode: 0 });
    expect(status('app-msi3010')).toMatchObject({ status: 'succeeded', exitCode: 3010 % 256 });
    expect(status('app-msi1641')?.status).toBe('pending');
    expect(d.inventory).toMatchObject({ agentVersion: '1.0.0' });

    // Boot 2: the 1641 installer reboots again.
    fs.rmSync(rebootMarker);
    const second = run();
    expect(await second.wait(), second.output()).toBe(0);
    expect(fs.existsSync(rebootMarker)).toBe(true);
    d = await s.detail(id);
    expect(status('app-msi1641')).toMatchObject({ status: 'succeeded', exitCode: 1641 % 256 });

    // Boot 3: the hanging installer is killed with its child after its timeout.
    const third = run();
    await failedOn('app-hang', third);
    expect(d.machine.failure?.reason).toMatch(/timed out after 3 s/);
    const child = Number(fs.readFileSync(path.join(work, 'hang-child'), 'utf8'));
    await waitFor('the hang stand-in child to be gone', () => !alive(child), 30_000);
    await skipStep('app-hang');
    // 1603: a failure, retried never (retries 0), the machine fails on it.
    await failedOn('app-msi1603', third);
    expect(status('app-msi1603')).toMatchObject({ status: 'failed', exitCode: 1603 % 256 });
    await skipStep('app-msi1603');
    await failedOn('app-badsum', third);
    expect(d.machine.failure?.reason).toMatch(/checksum mismatch/);
    await skipStep('app-badsum');
    // The hostname check compares with the name the profile gives this machine: not this
    // CI box's name, so it fails with the evidence.
    await failedOn('check-hostname', third);
    await skipStep('check-hostname');
    expect(await third.wait(), third.output()).toBe(0);

    d = await s.detail(id);
    expect(d.machine.state).toBe('done');
    // The admin password step (Windows: Set-LocalUser) is one the agent skips off Windows.
    expect(d.steps.find((x) => x.id === 'config-local-admin')?.status ?? 'skipped').toBe('skipped');
    expect(stepsBut(d, 'config-local-admin').map((x) => [x.id, x.status])).toEqual([
      ['inventory', 'succeeded'],
      ['app-tool', 'succeeded'],
      ['app-flaky', 'succeeded'],
      ['app-busy', 'succeeded'],
      ['app-msi3010', 'succeeded'],
      ['app-msi1641', 'succeeded'],
      ['app-hang', 'skipped'],
      ['app-msi1603', 'skipped'],
      ['app-badsum', 'skipped'],
      ['config-motd', 'succeeded'],
      ['config-ps', 'succeeded'],
      ['config-reg', 'skipped'],
      ['check-motd', 'succeeded'],
      ['check-tool', 'succeeded'],
      ['check-motd-file', 'succeeded'],
      ['check-hostname', 'skipped'],
    ]);
    expect(fs.readFileSync(path.join(work, 'motd'), 'utf8')).toBe('hello bench\n');
    expect(fs.readFileSync(path.join(work, 'ps-ran'), 'utf8').trim()).toBe('caf\u00e9');

    const log = await s.log(id);
    expectEveryReportOnce(log);
    expect(stepEntries(log, 'app-flaky')).toEqual([
      'started#1',
      'failed#1',
      'started#2',
      'succeeded#2',
    ]);
    expect(logLines(log, 'app-busy')).toMatch(/another installation is running .*1618\); waiting/);
    expect(logLines(log, 'app-busy')).toContain('installed after the wait');
    expect(logLines(log, 'app-flaky')).toContain('second try works');
    const hostname = log.find(
      (e) => e.kind === 'step' && e.data.stepId === 'check-hostname' && e.data.status === 'failed',
    );
    expect(String(hostname?.data.message)).toMatch(/^expected .+, found .+/);
    // The evidence is stored with the verdict, and the report says FAIL with both values.
    expect(hostname?.data.check).toMatchObject({ pass: false });
    const checkEvidence = (stepId: string) =>
      log.find((e) => e.kind === 'step' && e.data.stepId === stepId && e.data.check)?.data.check;
    expect(checkEvidence('check-motd-file')).toEqual({
      expected: 'exists',
      actual: 'exists',
      pass: true,
    });
    expect(checkEvidence('check-motd')).toEqual({
      expected: 'exit code 0, output "hello bench"',
      actual: 'exit code 0, output "hello bench"',
      pass: true,
    });
    expect(checkEvidence('check-tool')).toEqual({
      expected: 'installed',
      actual: 'installed',
      pass: true,
    });
    const report = await s.json<{
      machines: { steps: { id: string; check: { result: string; actual: string } | null }[] }[];
    }>(`/api/v1/reports/machines/${id}?format=json`);
    const reported = report.machines[0]!.steps.find((x) => x.id === 'check-hostname');
    expect(reported?.check).toMatchObject({ result: 'FAIL' });
    expect(reported?.check?.actual).toBe(
      String((hostname?.data.check as { actual: string }).actual),
    );
    // The finished agent leaves no token behind.
    expect(fs.existsSync(path.join(stateDir, 'config.json'))).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'finished'))).toBe(true);
    expect(fs.existsSync(script)).toBe(false);
  }, 600_000);
});
