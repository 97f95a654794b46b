import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary, MachineDetail } from '../../main/api/contract.js';
import { simulate, type SimulateSummary } from '../../main/simulate/run.js';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { putSecret, simulatedProfile, simulateOptions, writeProfile } from '../helpers/fixtures.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';

/**
 * A batch run by the simulator (`prepstation simulate`: real boot scripts, answer files
 * and agent API, with failures, retries and reboots), reported as a customer gets it:
 * every machine, every app, nothing secret, the CSV equal to the station's own records.
 */

const ADMIN_PW = 'Sim-Adm1n-Secret';
const MACHINES = 12;
const skipPdf = requireOrSkip(commandUnavailable('pdftotext', 'poppler-utils'));
const artifacts = path.resolve('test-artifacts/reports');

const profile = simulatedProfile({
  id: 'schulz-praxis',
  name: 'Zahnarztpraxis Schulz',
  customer: { name: 'Zahnarztpraxis Dr. Schulz & Kollegen', code: 'ZS' },
  username: 'praxis',
  secret: 'admin-password',
  apps: [
    {
      id: 'firefox',
      name: 'Mozilla Firefox ESR',
      source: { system: 'firefox-esr' },
      installer: 'system',
      retries: 2,
    },
    {
      id: 'office',
      name: 'LibreOffice',
      source: { system: 'libreoffice' },
      installer: 'system',
      retries: 2,
      rebootCodes: [100],
    },
    {
      id: 'xray',
      name: 'Röntgen-Viewer Pro',
      source: { system: 'xray-viewer' },
      installer: 'system',
      retries: 1,
    },
  ],
  motd: 'Praxis Schulz\n',
  checks: [
    { id: 'firefox', type: 'app-installed', app: 'firefox' },
    { id: 'ssh', type: 'service', service: 'ssh' },
  ],
});
const APPS = ['Mozilla Firefox ESR', 'LibreOffice', 'Röntgen-Viewer Pro'];

let ts: TestStation;
let profilesDir: string;
let summary: SimulateSummary;
let batch: BatchSummary;

beforeAll(async () => {
  profilesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-report-sim-'));
  writeProfile(profilesDir, profile);
  ts = await startTestStation(['--profiles', profilesDir]);
  await putSecret(ts, 'admin-password', ADMIN_PW);
  summary = await simulate(
    simulateOptions({
      benchUrl: ts.benchUrl,
      ui: { url: ts.uiUrl, token: ts.token },
      machines: MACHINES,
      assign: profile.id,
      speed: 2000,
      failRate: 0.3,
      rebootRate: 0.3,
      seed: 9,
      rampSeconds: 20,
    }),
  );
  expect(summary.results.done).toBe(MACHINES);
  const batches = (await (await ts.api('/api/v1/batches')).json()) as BatchSummary[];
  expect(batches).toHaveLength(1);
  batch = batches[0]!;
}, 240_000);

afterAll(async () => {
  await ts?.stop();
  fs.rmSync(profilesDir, { recursive: true, force: true });
});

// Rendering loads pdfkit and fonts: slow on a busy 2-core machine, never a speed assertion.
describe('reports of a simulated batch', { timeout: 180_000 }, () => {
  it.skipIf(skipPdf)('the PDF names every machine and every app, with no secret', async () => {
    const r = await ts.api(
      `/api/v1/reports/batches/${batch.id}?format=pdf&paper=letter&technician=Lena%20Wei%C3%9F`,
    );
    expect(r.status).toBe(200);
    fs.mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, 'simulated-batch-letter.pdf');
    fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+612 x 792/);
    for (const id of batch.machineIds) {
      const d = (await (await ts.api(`/api/v1/machines/${id}`)).json()) as MachineDetail;
      expect(text).toContain(d.machine.serial!);
      expect(text).toContain(d.machine.macs[0]!);
    }
    for (const app of APPS) expect(text.split(app).length - 1).toBeGreaterThanOrEqual(MACHINES);
    expect(text).toContain('Zahnarztpraxis Dr. Schulz & Kollegen');
    expect(text).toContain('Lena Weiß');
    expect(text).toContain(`${MACHINES} done`);
    for (const secret of [ADMIN_PW, ts.token]) expect(text).not.toContain(secret);
    if (summary.failedAttempts > 0)
      expect(text.replace(/\s+/g, ' ')).toContain('Retried automatically');
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      '1',
      '-l',
      '3',
      file,
      path.join(artifacts, 'simulated-batch-letter'),
    ]);
  });

  it('the CSV holds every step of every machine as the station recorded it', async () => {
    const body = Buffer.from(
      await (await ts.api(`/api/v1/reports/batches/${batch.id}?format=csv`)).arrayBuffer(),
    );
    const rows = parse(body, { bom: true, columns: true }) as Record<string, string>[];
    // Seven profile steps and the local admin password (issue 13).
    expect(rows).toHaveLength(MACHINES * 8);
    let failedAttempts = 0;
    for (const id of batch.machineIds) {
      const d = (await (await ts.api(`/api/v1/machines/${id}`)).json()) as MachineDetail;
      const mine = rows.filter((x) => x.machine_id === id);
      expect(mine.map((x) => x.step_id)).toEqual(d.steps.map((s) => s.id));
      for (const s of d.steps) {
        const row = mine.find((x) => x.step_id === s.id)!;
        expect(row.step_status).toBe(s.status);
        expect(row.step_exit_code).toBe(s.exitCode === null ? '' : String(s.exitCode));
        expect(row.step_started_at).toBe(s.startedAt ?? '');
        expect(row.step_ended_at).toBe(s.endedAt ?? '');
        failedAttempts += Number(row.step_attempts) - 1;
      }
      expect(mine[0]!.serial).toBe(d.machine.serial);
      expect(mine[0]!.machine_status).toBe('done');
    }
    // Every failed attempt the simulator made shows up as an extra attempt.
    expect(failedAttempts).toBe(summary.failedAttempts);
  });

  it('the JSON validates against its schema', async () => {
    const doc = (await (
      await ts.api(`/api/v1/reports/batches/${batch.id}?format=json`)
    ).json()) as {
      totals: { machines: number; done: number; failuresRecorded: number };
    };
    expect(reportSchemaErrors(doc)).toBeNull();
    expect(doc.totals).toMatchObject({
      machines: MACHINES,
      done: MACHINES,
      failuresRecorded: summary.failedAttempts,
    });
  });
});
