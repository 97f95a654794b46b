import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineLogEntry } from '../../main/api/contract.js';
import type { ProfileInput } from '../../main/profiles/schema.js';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { powerCutBench } from '../helpers/fixtures.js';
import {
  AGENT_TEST_ADMIN_PASSWORD,
  RestartableStation,
  freePort,
  startAgent,
  tempDir,
  waitFor,
  type AgentRun,
  type AgentShell,
} from './agent-sh-helpers.js';

/**
 * The Linux agent (main/agent/scripts/agent.sh) run for real, under dash (with curl) and
 * under busybox sh (with busybox's own awk, sed and wget only), against a station on
 * loopback: downloads from the app library, a checksum mismatch, a step that fails once
 * and passes on its retry, a reboot, a power cut in the middle of a step, and the station
 * stopped and started again while the agent keeps working.
 */

const skip = requireOrSkip(
  commandUnavailable('dash', 'dash'),
  commandUnavailable('busybox', 'busybox-static'),
  commandUnavailable('curl', 'curl'),
);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(tag: string) {
  const tmp = tempDir(`ps7-agent-${tag}-`);
  // Started by the test once its profile is written (the profile store loads at start).
  const s = new RestartableStation(path.join(tmp, 'data'), await freePort(), await freePort());
  const agents: AgentRun[] = [];
  cleanups.push(async () => {
    for (const a of agents) a.kill();
    await s.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return { tmp, s, agents };
}

/** Seq numbers of the stored reports: 1..n, each once, none missing. */
function expectEveryReportOnce(log: MachineLogEntry[]): number {
  const seqs = log
    .filter((e) => e.deployment === Math.max(...log.map((x) => x.deployment)))
    .map((e) => e.data.seq)
    .filter((s): s is number => typeof s === 'number')
    .sort((a, b) => a - b);
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  return seqs.length;
}

function stepEntries(log: MachineLogEntry[], stepId: string): string[] {
  return log
    .filter((e) => e.data.stepId === stepId && (e.kind === 'step' || e.kind === 'duplicate'))
    .map(
      (e) =>
        `${e.kind === 'duplicate' ? 'dup ' : ''}${String(e.data.status ?? e.data.of)}#${String(e.data.attempt)}`,
    );
}

describe.skipIf(skip)('agent.sh through a real plan', () => {
  it.each<AgentShell>(['dash', 'busybox'])(
    'under %s: library downloads, retry, reboot, checksum mismatch, skip, done',
    async (shell) => {
      const { tmp, s, agents } = await setup(shell);
      const work = path.join(tmp, 'machine');
      fs.mkdirSync(work);
      const toolBody = `echo "tool installing into $1"\necho ok > "$1/tool-installed"\n`;
      const profile: ProfileInput = {
        id: 'agent-test',
        name: 'Agent test bench',
        target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
        admin: { username: 'tech', password: { secret: 'admin-password' } },
        apps: [
          {
            id: 'tool',
            name: 'Tool',
            source: { package: 'tool' },
            installer: 'sh',
            args: work,
            detect: { type: 'file', path: `${work}/tool-installed` },
          },
          {
            id: 'flaky',
            name: 'Flaky',
            source: { package: 'flaky' },
            installer: 'sh',
            args: work,
            retries: 1,
          },
          // Linux exit codes are 0-255: 3010 cannot happen here, so the profile names its own.
          {
            id: 'rebooter',
            name: 'Needs reboot',
            source: { package: 'rebooter' },
            installer: 'sh',
            rebootCodes: [100],
          },
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
        ],
      };
      s.writeProfile(profile);
      await s.start();
      await s.importApp('tool', 'tool.sh', toolBody);
      await s.importApp(
        'flaky',
        'flaky.sh',
        'if [ -f "$1/flaky-once" ]; then echo "second try works"; exit 0; fi\n' +
          'touch "$1/flaky-once"; echo "first try: network glitch" >&2; exit 5\n',
      );
      await s.importApp('rebooter', 'rebooter.sh', 'echo "needs a reboot"; exit 100\n');
      const { id, token } = await s.deploy(
        '52:54:00:07:00:0' + (shell === 'dash' ? '1' : '2'),
        'agent-test',
      );
      const stateDir = path.join(tmp, 'agent-state');
      const rebootMarker = path.join(tmp, 'reboot-requested');
      // Under busybox, the agent is the machine's own copy from /t/<token>/agent.sh, started
      // without arguments as the answer file's unit does; under dash, the plain script.
      let script: string | undefined;
      if (shell === 'busybox') {
        const res = await fetch(`${s.benchUrl}/t/${token}/agent.sh`);
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text).toContain(`EMBEDDED_TOKEN='${token}'`);
        expect(text).toContain(`EMBEDDED_STATION='${s.benchUrl}'`);
        script = path.join(tmp, 'agent.sh');
        fs.writeFileSync(script, text);
        expect((await fetch(`${s.benchUrl}/t/${'x'.repeat(43)}/agent.sh`)).status).toBe(401);
      }
      const run = () => {
        const a = startAgent({
          shell,
          station: s.benchUrl,
          token,
          stateDir,
          tmp,
          rebootMarker,
          script,
        });
        agents.push(a);
        return a;
      };

      // Boot 1: runs until the step that asks for a reboot; the agent stops there.
      const first = run();
      expect(await first.wait(), first.output()).toBe(0);
      expect(fs.existsSync(rebootMarker)).toBe(true);
      let d = await s.detail(id);
      const status = (stepId: string) => d.steps.find((x) => x.id === stepId);
      expect(status('inventory')?.status).toBe('succeeded');
      expect(status('app-tool')).toMatchObject({ status: 'succeeded', attempt: 1 });
      expect(status('app-flaky')).toMatchObject({ status: 'succeeded', attempt: 2 });
      expect(status('app-rebooter')).toMatchObject({ status: 'succeeded', exitCode: 100 });
      expect(status('app-badsum')?.status).toBe('pending');
      expect(fs.readFileSync(path.join(work, 'tool-installed'), 'utf8')).toBe('ok\n');
      expect(d.inventory).toMatchObject({ agentVersion: '1.0.0' });
      expect(typeof d.inventory?.hostname).toBe('string');

      // Boot 2: resumes after the reboot step; the checksum mismatch fails the machine.
      const second = run();
      await waitFor(
        'the machine to fail on the checksum',
        async () => {
          d = await s.detail(id);
          return d.machine.state === 'failed';
        },
        240_000,
      );
      expect(d.machine.failure).toMatchObject({ stepId: 'app-badsum' });
      expect(d.machine.failure?.reason).toMatch(/checksum mismatch/);

      // The technician skips it; the agent notices the new plan revision and finishes.
      await s.json(`/api/v1/machines/${id}/steps/app-badsum/skip`, { method: 'POST' });
      expect(await second.wait(), second.output()).toBe(0);
      d = await s.detail(id);
      expect(d.machine.state).toBe('done');
      expect(d.steps.map((x) => [x.id, x.status])).toEqual([
        ['inventory', 'succeeded'],
        ['config-local-admin', 'succeeded'],
        ['app-tool', 'succeeded'],
        ['app-flaky', 'succeeded'],
        ['app-rebooter', 'succeeded'],
        ['app-badsum', 'skipped'],
        ['config-motd', 'succeeded'],
        ['config-reg', 'skipped'],
        ['check-motd', 'succeeded'],
        ['check-tool', 'succeeded'],
      ]);
      expect(fs.readFileSync(path.join(work, 'motd'), 'utf8')).toBe('hello bench\n');

      const log = await s.log(id);
      expectEveryReportOnce(log);
      expect(stepEntries(log, 'app-flaky')).toEqual([
        'started#1',
        'failed#1',
        'started#2',
        'succeeded#2',
      ]);
      expect(stepEntries(log, 'app-badsum')).toEqual(['started#1', 'failed#1']);
      // The real admin password went to chpasswd on stdin, and nowhere else (issue 13).
      expect(fs.readFileSync(path.join(tmp, 'chpasswd.in'), 'utf8')).toBe(
        `tech:${AGENT_TEST_ADMIN_PASSWORD}\n`,
      );
      expect(JSON.stringify(log) + JSON.stringify(d)).not.toContain(AGENT_TEST_ADMIN_PASSWORD);
      expect(fs.readdirSync(stateDir).filter((f) => f.startsWith('secret'))).toEqual([]);
      const flakyLog = d.steps.find((x) => x.id === 'app-flaky')!.logTail.join('\n');
      expect(flakyLog).toContain('second try works');
      // The finished agent leaves no token behind.
      expect(fs.existsSync(path.join(stateDir, 'config'))).toBe(false);
      expect(fs.existsSync(path.join(stateDir, 'finished'))).toBe(true);
      if (script) expect(fs.existsSync(script)).toBe(false);
    },
    400_000,
  );

  it.each<AgentShell>(['dash', 'busybox'])(
    'under %s: a power cut mid-step and a station restart mid-plan lose no report',
    async (shell) => {
      const { tmp, s, agents } = await setup(`${shell}-restart`);
      const work = path.join(tmp, 'machine');
      fs.mkdirSync(work);
      const bench = powerCutBench('restart-test', work);
      s.writeProfile(bench.profile);
      await s.start();
      for (const p of bench.packages) await s.importApp(p.id, p.fileName, p.body);
      const { id, token } = await s.deploy(
        '52:54:00:07:01:0' + (shell === 'dash' ? '1' : '2'),
        'restart-test',
      );
      const stateDir = path.join(tmp, 'agent-state');
      const run = () => {
        const a = startAgent({
          shell,
          station: s.benchUrl,
          token,
          stateDir,
          tmp,
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
      // The station goes away while slow2 runs; the agent keeps working and queues.
      await s.stop();
      await new Promise((r) => setTimeout(r, 5000));
      expect(fs.readFileSync(path.join(work, 'slow2-runs'), 'utf8')).toBe('run\n');
      const queued = fs
        .readdirSync(path.join(stateDir, 'queue'))
        .filter((f) => f.endsWith('.json'));
      expect(queued.length).toBeGreaterThan(0);
      await s.start();

      expect(await second.wait(), second.output()).toBe(0);
      const d = await s.detail(id);
      expect(d.machine.state).toBe('done');
      expect(d.steps.map((x) => [x.id, x.status, x.attempt])).toEqual([
        ['inventory', 'succeeded', 1],
        ['config-local-admin', 'succeeded', 1],
        ['app-slow1', 'succeeded', 1],
        ['app-slow2', 'succeeded', 1],
        ['app-big', 'succeeded', 1],
      ]);
      // The power cut interrupted slow1: it ran again, as the same attempt, counted once.
      expect(fs.readFileSync(path.join(work, 'slow1-runs'), 'utf8')).toBe('run\nrun\n');
      const log = await s.log(id);
      expectEveryReportOnce(log);
      expect(stepEntries(log, 'app-slow1')).toEqual([
        'started#1',
        'dup step-started#1',
        'succeeded#1',
      ]);
      expect(stepEntries(log, 'app-slow2')).toEqual(['started#1', 'succeeded#1']);
      const bigLog = log
        .filter((e) => e.kind === 'log' && e.data.stepId === 'app-big')
        .flatMap((e) => e.data.lines as string[]);
      expect(bigLog.join('\n')).toMatch(/resuming download at byte 1048576/);
      expect(bigLog.join('\n')).toMatch(/sha256 verified/);
    },
    400_000,
  );
});
