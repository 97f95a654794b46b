import { describe, expect, it } from 'vitest';
import { buildReport, machineReport, reportDeployment } from '../../../../main/reports/model.js';
import { defaultShop } from '../../../../main/reports/settings.js';
import { deploymentLog, SECRET, type Variant } from './fixtures.js';

const now = new Date('2026-11-26T15:00:00Z');
const start = new Date('2026-11-26T08:00:00Z');
const report = (variant: Variant, batch?: string) =>
  machineReport(
    deploymentLog({ machineId: 'm1', index: 1, start, variant, batch: batch ?? null }),
    {
      now,
      ...(batch ? { batch } : {}),
    },
  );

describe('machineReport', () => {
  it.each<[Variant, string, boolean, number, number]>([
    // variant, status, inProgress, steps succeeded, failures recorded
    ['done', 'done', false, 10, 0],
    ['retried', 'done', false, 10, 1],
    ['failed', 'failed', false, 2, 2],
    ['in-progress', 'in-progress', true, 1, 0],
    ['technician', 'done', false, 9, 1],
  ])(
    '%s: status %s, inProgress %s, %i steps succeeded, %i failures',
    (variant, status, inProgress, ok, failures) => {
      const m = report(variant);
      expect(m.status).toBe(status);
      expect(m.inProgress).toBe(inProgress);
      expect(m.counts.succeeded).toBe(ok);
      expect(m.failures).toHaveLength(failures);
    },
  );

  it('takes identity and hardware from the inventory the agent sent', () => {
    const m = report('done');
    expect(m.hardware).toMatchObject({
      vendor: 'LENOVO',
      model: 'ThinkCentre M70q Gen 4',
      serial: 'SN-00001',
      macs: ['52:54:00:00:00:01'],
      cores: 10,
      ramBytes: 16 * 1024 ** 3,
      hostname: 'MS-000001',
    });
    expect(m.os).toEqual({ name: 'Windows 11 Pro', version: '24H2 (26100.2605)' });
    expect(m.profile).toEqual({
      id: 'mueller-office',
      name: 'Müller & Söhne: office PC',
      version: '3f9a1c0d5e7b2468',
    });
  });

  it('times the deployment from assignment to done, and each step from start to end', () => {
    const m = report('done');
    expect(m.timing.startedAt).toBe('2026-11-26T08:00:05.000Z');
    expect(m.timing.endedAt).not.toBeNull();
    expect(m.timing.totalSeconds).toBe(
      (Date.parse(m.timing.endedAt!) - Date.parse(m.timing.startedAt!)) / 1000,
    );
    const ff = m.steps.find((s) => s.id === 'app-firefox')!;
    expect(ff).toMatchObject({
      status: 'succeeded',
      durationSeconds: 95,
      version: '128.5.0',
      exitCode: 0,
      attempts: 1,
    });
    const lo = m.steps.find((s) => s.id === 'app-libreoffice')!;
    expect(lo.installer).toEqual({
      file: 'LibreOffice_24.8.3_Win_x86-64.msi',
      sha256: 'a'.repeat(64),
    });
    expect(lo.exitCode).toBe(3010);
  });

  it('an in-progress machine is timed up to the report and says what it is doing', () => {
    const m = report('in-progress');
    expect(m.timing.endedAt).toBeNull();
    expect(m.timing.totalSeconds).toBe((now.getTime() - Date.parse(m.timing.startedAt!)) / 1000);
    expect(m.statusText).toBe('In progress: Install Mozilla Firefox ESR (1 of 10 steps done)');
  });

  it('records an automatic retry and what it led to', () => {
    const m = report('retried');
    const zip = m.steps.find((s) => s.id === 'app-7zip')!;
    expect(zip.history.map((a) => [a.attempt, a.result, a.exitCode])).toEqual([
      [1, 'failed', 1603],
      [2, 'succeeded', 0],
    ]);
    expect(zip.attempts).toBe(2);
    expect(m.failures[0]).toMatchObject({
      step: 'Install 7-Zip',
      attempt: 1,
      exitCode: 1603,
      resolution: 'Retried automatically (attempt 2); the step then succeeded',
    });
    expect(m.actions.map((a) => a.kind)).toEqual(['automatic-retry']);
  });

  it('a failed machine says where it stopped', () => {
    const m = report('failed');
    expect(m.statusText).toBe('Failed at "Install 7-Zip": exit code 1603 again');
    expect(m.failures.at(-1)!.resolution).toBe('Not resolved: the machine stopped here');
    expect(m.timing.endedAt).not.toBeNull();
  });

  it('records the reset, the skipped check, and the earlier failed deployment', () => {
    const m = report('technician');
    expect(m.deployment).toBe(2);
    expect(m.previousDeployments).toEqual([
      expect.objectContaining({
        deployment: 1,
        endState: 'failed',
        failure: 'No disk found by the installer',
      }),
    ]);
    expect(m.actions.map((a) => a.kind)).toEqual(['reset', 'technician-skip']);
    expect(m.failures[0]!.resolution).toBe('Skipped by the technician');
    const check = m.steps.find((s) => s.id === 'check-bitlocker')!;
    expect(check.status).toBe('skipped');
    expect(check.evidence).toContain('output was "Off", expected "On"');
  });

  it('checks carry their evidence; configuration shows masked secrets, never values', () => {
    const m = report('done');
    expect(m.steps.find((s) => s.id === 'check-firefox')!.evidence).toEqual([
      'Mozilla Firefox 128.5.0 ESR (x64 de) found',
    ]);
    expect(m.steps.find((s) => s.id === 'config-office-wifi')!.details).toBe(
      'SSID "Müller-Büro", wpa2-personal, passphrase [masked]',
    );
    expect(m.steps.find((s) => s.id === 'check-bitlocker')!.details).toBe(
      '(Get-BitLockerVolume C:).ProtectionStatus, exit code 0, output "On"',
    );
  });

  it('never lets a secret from a log line through', () => {
    const json = JSON.stringify(report('failed'));
    expect(json).not.toContain(SECRET);
  });

  it('a batch report covers the deployment that batch made, not a later one', () => {
    const log = deploymentLog({ machineId: 'm1', index: 1, start, variant: 'done', batch: 'b1' });
    const later = log.at(-1)!;
    log.push({
      ...later,
      id: later.id + 1,
      deployment: 2,
      data: {
        ...(log.find((e) => e.data.kind === 'assigned')!.data as object),
        batch: null,
        by: 'hand',
      } as never,
    });
    expect(reportDeployment(log)).toBe(2);
    expect(reportDeployment(log, 'b1')).toBe(1);
    expect(machineReport(log, { now, batch: 'b1' })).toMatchObject({
      deployment: 1,
      status: 'done',
    });
    expect(machineReport(log, { now })).toMatchObject({ deployment: 2, status: 'not-started' });
  });
});

describe('buildReport', () => {
  it('totals the machines and names the shop, customer and technician', () => {
    const machines = (['done', 'retried', 'failed', 'in-progress'] as Variant[]).map((v, i) =>
      machineReport(deploymentLog({ machineId: `m${i}`, index: i, start, variant: v }), { now }),
    );
    const r = buildReport({
      machines,
      batch: null,
      shop: { ...defaultShop, name: 'Shop', technician: 'Ana' },
      technician: ' ',
      now,
      stationVersion: '1.2.3',
    });
    expect(r.totals).toEqual({
      machines: 4,
      done: 2,
      failed: 1,
      inProgress: 1,
      stalled: 0,
      notStarted: 0,
      steps: 40,
      stepsFailed: 1,
      stepsSkipped: 0,
      failuresRecorded: 3,
    });
    expect(r.customer).toBe('Müller & Söhne GmbH');
    expect(r.technician).toBe('Ana');
    expect(
      buildReport({
        machines,
        batch: null,
        shop: defaultShop,
        technician: 'Ben',
        now,
        stationVersion: '1',
      }).technician,
    ).toBe('Ben');
  });
});
