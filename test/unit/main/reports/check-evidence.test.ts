import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../../main/machines/types.js';
import { CSV_COLUMNS, csvRows } from '../../../../main/reports/csv.js';
import { reportJson } from '../../../../main/reports/json.js';
import { buildReport, machineReport } from '../../../../main/reports/model.js';
import { reportPdf } from '../../../../main/reports/pdf.js';
import { defaultShop } from '../../../../main/reports/settings.js';
import { commandUnavailable, requireOrSkip } from '../../../helpers/env.js';
import { deploymentLog } from './fixtures.js';
import { reportSchemaErrors } from '../../../helpers/report-schema.js';

/**
 * The check evidence agents send ({ check: { expected, actual, pass } }) in the report: a
 * check whose actual value differs is FAIL in the JSON, the CSV and the PDF, also when the
 * technician skipped it afterwards; a matching one is PASS with both values.
 */
const now = new Date('2026-11-26T15:00:00Z');

function log(): Entry[] {
  return deploymentLog({
    machineId: 'm1',
    index: 1,
    start: new Date('2026-11-26T08:00:00Z'),
    variant: 'technician',
    batch: null,
  }).map((e) => {
    const d = e.data;
    if (d.kind !== 'step') return e;
    if (d.stepId === 'check-bitlocker' && d.status === 'failed') {
      const check = {
        expected: 'exit code 0, output "On"',
        actual: 'exit code 0, output "Off"',
        pass: false,
      };
      return { ...e, data: { ...d, check } };
    }
    if (d.stepId === 'check-spooler' && d.status === 'succeeded') {
      return {
        ...e,
        data: { ...d, check: { expected: 'running', actual: 'running', pass: true } },
      };
    }
    return e;
  });
}

const m = machineReport(log(), { now });
const report = buildReport({
  machines: [m],
  batch: null,
  shop: defaultShop,
  now,
  stationVersion: 'test',
});
const step = (id: string) => m.steps.find((s) => s.id === id)!;

describe('check evidence in the report', () => {
  it('the model: FAIL after a skip, PASS where they match, null for other steps', () => {
    expect(step('check-bitlocker').status).toBe('skipped');
    expect(step('check-bitlocker').check).toEqual({
      expected: 'exit code 0, output "On"',
      actual: 'exit code 0, output "Off"',
      result: 'FAIL',
    });
    expect(step('check-spooler').check).toEqual({
      expected: 'running',
      actual: 'running',
      result: 'PASS',
    });
    // An agent older than the field: no evidence, no invented verdict.
    expect(step('check-firefox').check).toBeNull();
    expect(step('app-7zip').check).toBeNull();
  });

  it('CSV: check_expected, check_actual, check_result', () => {
    const rows = csvRows(report).map((r) =>
      Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]])),
    );
    const row = rows.find((r) => r.step_id === 'check-bitlocker')!;
    expect([row.check_expected, row.check_actual, row.check_result]).toEqual([
      'exit code 0, output "On"',
      'exit code 0, output "Off"',
      'FAIL',
    ]);
  });

  it('JSON: valid against docs/report.schema.json', () => {
    const doc = JSON.parse(reportJson(report)) as Record<string, unknown>;
    expect(reportSchemaErrors(doc)).toBeNull();
  });

  const skip = requireOrSkip(commandUnavailable('pdftotext', 'poppler-utils'));
  it.skipIf(skip)('PDF: the checks table says FAIL and what was found', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-pdf-'));
    try {
      const file = path.join(dir, 'r.pdf');
      fs.writeFileSync(file, await reportPdf(report, defaultShop));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      // Expected, Found and the verdict on the check's row (the Result column wraps).
      expect(text).toMatch(/Found/);
      expect(text).toMatch(
        /BitLocker is on\s+exit code 0, output "On"\s+exit code 0, output "Off"\s+FAIL/,
      );
      expect(text).toMatch(/\(spooler\)\s+running\s+running\s+PASS/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
