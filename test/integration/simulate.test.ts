import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MachineDetail, MachineLogEntry, MachineSummary } from '../../main/api/contract.js';
import { main } from '../../main/cli.js';
import { simulate } from '../../main/simulate/run.js';
import { simulatedProfile, simulateOptions } from '../helpers/fixtures.js';
import { RestartableStation, freePort, tempDir } from './agent-sh-helpers.js';

/**
 * The simulator against a real station on loopback: machines boot (iPXE script), their
 * installer fetches the answer file, their agent runs the plan with failures, retries and
 * reboots; the station must record every step of every machine.
 */

const profile = simulatedProfile({
  id: 'sim-office',
  name: 'Simulated office PCs',
  customer: { name: 'Simulated customer', code: 'SIM' },
  username: 'tech',
  secret: 'sim-admin',
  apps: [
    {
      id: 'office',
      name: 'Office suite',
      source: { package: 'office' },
      installer: 'deb',
      retries: 2,
      rebootCodes: [100],
    },
    {
      id: 'browser',
      name: 'Browser',
      source: { system: 'firefox-esr' },
      installer: 'system',
      retries: 1,
    },
    {
      id: 'remote',
      name: 'Remote support',
      source: { package: 'remote' },
      installer: 'sh',
      retries: 1,
      rebootCodes: [3010],
    },
  ],
  motd: 'Prepared by PrepStation\n',
});
const STEPS = [
  'inventory',
  'config-local-admin',
  'app-office',
  'app-browser',
  'app-remote',
  'config-motd',
  'check-office',
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function station(): Promise<RestartableStation> {
  const tmp = tempDir('ps7-sim-');
  const s = new RestartableStation(path.join(tmp, 'data'), await freePort(), await freePort());
  s.writeProfile(profile);
  await s.start();
  cleanups.push(async () => {
    await s.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  await s.json('/api/v1/secrets/sim-admin', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'bench-Pa55word' }),
  });
  await s.importApp('office', 'office_7.6_amd64.deb', Buffer.alloc(200_000, 1));
  await s.importApp('remote', 'remote-setup.sh', 'echo remote\n');
  return s;
}

describe('prepstation simulate', () => {
  it('200 machines reach done with every step recorded', async () => {
    const s = await station();
    const summary = await simulate(
      simulateOptions({
        benchUrl: s.benchUrl,
        ui: { url: `http://127.0.0.1:${s.uiPort}`, token: s.uiToken },
        machines: 200,
        assign: 'sim-office',
        speed: 2000,
        failRate: 0.2,
        rebootRate: 0.3,
        seed: 7,
        rampSeconds: 120,
      }),
    );
    const errors = summary.perMachine.filter((m) => m.result !== 'done');
    expect(errors.slice(0, 5)).toEqual([]);
    expect(summary.results.done).toBe(200);
    // The bench was realistic: some attempts failed and were retried, some installers rebooted.
    expect(summary.failedAttempts).toBeGreaterThan(10);
    expect(summary.reboots).toBeGreaterThan(10);
    expect(summary.answerFiles).toBeGreaterThanOrEqual(200);

    const machines = await s.json<MachineSummary[]>('/api/v1/machines');
    const simulated = machines.filter((m) => m.profile === 'sim-office');
    expect(simulated).toHaveLength(200);
    expect(simulated.every((m) => m.state === 'done')).toBe(true);
    let failedRecorded = 0;
    for (const m of simulated) {
      const d = await s.json<MachineDetail>(`/api/v1/machines/${m.id}`);
      expect(d.steps.map((x) => [x.id, x.status])).toEqual(STEPS.map((id) => [id, 'succeeded']));
      expect(d.inventory).toMatchObject({ serial: m.serial, agentVersion: 'simulator' });
      const log = await s.json<MachineLogEntry[]>(`/api/v1/machines/${m.id}/log?limit=5000`);
      const seqs = log.map((e) => e.data.seq).filter((x): x is number => typeof x === 'number');
      // Every report the machine sent is stored once, in order, none missing.
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(log.some((e) => e.kind === 'answer-file')).toBe(true);
      failedRecorded += log.filter((e) => e.kind === 'step' && e.data.status === 'failed').length;
    }
    expect(failedRecorded).toBe(summary.failedAttempts);
  }, 600_000);

  it('the command line: unassigned machines wait, then --assign runs them to done', async () => {
    const s = await station();
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
      out.push(String(c));
      return true;
    });
    const base = [
      'simulate',
      '--station',
      s.benchUrl,
      '--machines',
      '3',
      '--speed',
      '5000',
      '--seed',
      '3',
      '--json',
    ];
    let waiting: number;
    let assigned: number;
    try {
      // Without --assign nobody assigns them: they wait at the boot screen, then give up.
      waiting = await main([...base, '--wait', '200']);
      assigned = await main([
        ...base,
        '--assign',
        'sim-office',
        '--ui',
        `http://127.0.0.1:${s.uiPort}`,
        '--ui-token',
        s.uiToken,
      ]);
    } finally {
      spy.mockRestore();
    }
    const [first, second] = out
      .filter((o) => o.startsWith('{'))
      .map((o) => JSON.parse(o) as { results: Record<string, number> });
    expect(waiting).toBe(1);
    expect(first!.results.unassigned).toBe(3);
    expect(assigned).toBe(0);
    expect(second!.results.done).toBe(3);
  }, 300_000);
});
