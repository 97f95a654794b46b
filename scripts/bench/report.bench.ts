/**
 * Benchmark, not a test: a batch of 200 machines from a real SQLite event log, rendered to
 * PDF, CSV and JSON. Run: npx vitest bench --run scripts/bench/report.bench.ts
 * The bar is "a few seconds" for the batch PDF. Wall and CPU times print first (CPU
 * time is the fairer figure on a shared machine), then vitest's own table of 3 runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { openDatabase } from '../../main/db/open.js';
import { MachineStore } from '../../main/machines/store.js';
import { batchReportFor, renderReport } from '../../main/reports/build.js';
import { writeShop } from '../../main/reports/settings.js';
import { deploymentLog, profile, type Variant } from '../../test/unit/main/reports/fixtures.js';

const MACHINES = 200;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-bench-report-'));
const db = openDatabase(path.join(dir, 'prepstation.db'));
const store = new MachineStore(db);
const variants: Variant[] = [
  'done',
  'done',
  'done',
  'retried',
  'technician',
  'failed',
  'in-progress',
];
store.insertBatch({
  id: 'bbench',
  name: 'Bench batch',
  profile: profile.id,
  count: MACHINES,
  macs: null,
  createdAt: '2026-11-26T07:00:00Z',
  closedAt: null,
});
store.transaction(() => {
  for (let i = 0; i < MACHINES; i++) {
    const id = `m${String(i).padStart(6, '0')}`;
    const log = deploymentLog({
      machineId: id,
      index: i + 1,
      start: new Date(Date.UTC(2026, 10, 26, 7, i)),
      variant: variants[i % variants.length]!,
      batch: 'bbench',
    });
    store.insertMachine(id, log[0]!.at);
    for (const e of log) store.insertEntry(id, e.at, e.deployment, e.data);
  }
});
const shop = writeShop(
  db,
  { name: 'Bench & Byte IT-Service', technician: 'Jörg Meier', timeZone: 'Europe/Berlin' },
  new Date(),
);
const inputs = { db, now: new Date('2026-11-26T18:00:00Z'), stationVersion: 'bench' };
const report = batchReportFor(inputs, 'bbench')!;
// REPORT_BENCH_DUMP=FILE keeps the model as JSON, e.g. to profile the PDF writer alone.
if (process.env.REPORT_BENCH_DUMP)
  fs.writeFileSync(process.env.REPORT_BENCH_DUMP, JSON.stringify(report));

async function timed(label: string, f: () => Promise<Buffer> | Buffer | unknown): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await f();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const size = Buffer.isBuffer(out) ? ` ${(out.length / 1024).toFixed(0)} KB` : '';
  process.stdout.write(
    `report bench: ${label}: ${ms.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU${size}\n`,
  );
}

await timed(`model of ${MACHINES} machines from SQLite`, () => batchReportFor(inputs, 'bbench'));
await timed('PDF A4', async () => (await renderReport(report, 'pdf', { shop })).body);
await timed('CSV', async () => (await renderReport(report, 'csv', { shop })).body);
await timed('JSON', async () => (await renderReport(report, 'json', { shop })).body);

describe(`batch of ${MACHINES} machines`, () => {
  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const opts = { iterations: 3, time: 0, warmupIterations: 1 };
  bench('model from SQLite', () => void batchReportFor(inputs, 'bbench'), opts);
  bench('PDF', async () => void (await renderReport(report, 'pdf', { shop })), opts);
  bench('CSV', async () => void (await renderReport(report, 'csv', { shop })), opts);
  bench('JSON', async () => void (await renderReport(report, 'json', { shop })), opts);
});
