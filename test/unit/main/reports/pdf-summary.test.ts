import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, machineReport } from '../../../../main/reports/model.js';
import { reportPdf, vendorModel } from '../../../../main/reports/pdf.js';
import { defaultShop } from '../../../../main/reports/settings.js';
import { commandUnavailable, requireOrSkip } from '../../../helpers/env.js';
import { deploymentLog, profile } from './fixtures.js';

const skip = requireOrSkip(commandUnavailable('pdftotext', 'poppler-utils'));
const now = new Date('2026-11-26T15:00:00Z');

describe('vendorModel', () => {
  it.each([
    ['HP', 'HP ProBook 450 G9', 'HP ProBook 450 G9'],
    ['LENOVO', '21AH00F1GE', 'LENOVO 21AH00F1GE'],
    ['Dell Inc.', 'OptiPlex 7010', 'Dell Inc. OptiPlex 7010'],
    [null, 'Model X', 'Model X'],
    ['hp', 'HP EliteBook', 'HP EliteBook'],
  ])('%s + %s', (v, m, expected) => expect(vendorModel(v, m)).toBe(expected));
});

// Issue 18 item 8: the batch summary split "SIM0070000" and MACs mid-token.
describe.skipIf(skip)(
  `batch PDF summary table${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    it('keeps serials, MACs and times whole and the vendor once', async () => {
      const machines = Array.from({ length: 12 }, (_, i) => {
        const m = machineReport(
          deploymentLog({
            machineId: `m${i}`,
            index: i + 1,
            start: new Date(Date.UTC(2026, 10, 26, 8, i * 7)),
            variant: 'done',
            batch: 'b00001',
          }),
          { now, batch: 'b00001' },
        );
        m.name = `SIM-LONG-HOSTNAME-${String(i).padStart(3, '0')}`;
        m.hardware = {
          ...m.hardware,
          vendor: 'HP',
          model: 'HP ProBook 450 G9 Notebook PC',
          serial: `SIM00700${String(i).padStart(2, '0')}`,
          macs: [`02:50:01:00:00:${String(i).padStart(2, '0')}`],
        };
        return m;
      });
      const r = buildReport({
        machines,
        batch: {
          id: 'b00001',
          name: 'Summary widths',
          profile: profile.id,
          count: machines.length,
          createdAt: '2026-11-26T07:55:00Z',
          closedAt: null,
        },
        shop: { ...defaultShop, name: 'Shop' },
        now,
        stationVersion: '0.1.0',
      });
      const dir = path.resolve('test-artifacts/reports');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'batch-summary-widths.pdf');
      fs.writeFileSync(file, await reportPdf(r, { paper: 'a4', timeZone: 'UTC' }));
      const page1 = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '2', file, '-'], {
        encoding: 'utf8',
      });
      for (let i = 0; i < 12; i++) {
        const serial = `SIM00700${String(i).padStart(2, '0')}`;
        const mac = `02:50:01:00:00:${String(i).padStart(2, '0')}`;
        // Serial and MAC whole, on the same line.
        expect(page1).toMatch(new RegExp(`${serial}.*${mac}`));
      }
      expect(page1).not.toMatch(/HP HP/);
      // Start times are never split either ("07:4/0" before).
      expect(page1).toMatch(/\d{2}:\d{2}/);
    });
  },
);
