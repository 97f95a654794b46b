import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../../main/machines/types.js';
import { parseWinpeReport } from '../../../../main/machines/winpe-progress.js';
import { reportJson } from '../../../../main/reports/json.js';
import { buildReport, machineReport } from '../../../../main/reports/model.js';
import { reportPdf } from '../../../../main/reports/pdf.js';
import { defaultShop } from '../../../../main/reports/settings.js';
import { commandUnavailable, requireOrSkip } from '../../../helpers/env.js';
import { deploymentLog } from './fixtures.js';
import { reportSchemaErrors } from '../../../helpers/report-schema.js';

/** The report says which medium, edition, index, driver packs and disk, and the times. */
const now = new Date('2026-11-26T15:00:00Z');

/** The fixture's deployment with WinPE's reports (as the station stores them) after the boot. */
function log(): Entry[] {
  const base = deploymentLog({
    machineId: 'm1',
    index: 1,
    start: new Date('2026-11-26T08:00:00Z'),
    variant: 'technician',
    batch: null,
  });
  const at = base.findIndex((e) => e.data.kind === 'installing-os');
  const t0 = Date.parse(base[at]!.at);
  const winpe = (sec: number, form: string): Entry => {
    const r = parseWinpeReport(new URLSearchParams(form), '10.99.0.50');
    if (!r.ok) throw new Error(r.message);
    return { ...base[at]!, id: 0, at: new Date(t0 + sec * 1000).toISOString(), data: r.entry };
  };
  const entries = [
    winpe(
      5,
      'phase=network&status=done&media=win11-24h2&edition=Windows+11+Pro&index=6&image=esd&pePacks=dell-5440-winpe&packs=dell-5440',
    ),
    winpe(9, 'phase=firmware&status=done&firmware=UEFI'),
    winpe(10, 'phase=disk&status=done&disk=2&detail=disk+2+SCSI+1000+GB+Samsung+SSD+980+PRO'),
    winpe(12, 'phase=partition&status=done&layout=gpt'),
    winpe(12, 'phase=download&status=started&total=4700000000&parts=1'),
    winpe(12 + 95, 'phase=download&status=done'),
    winpe(110, 'phase=apply&status=started&index=6'),
    winpe(110 + 600, 'phase=apply&status=done'),
  ];
  return [...base.slice(0, at + 1), ...entries, ...base.slice(at + 1)];
}

const m = machineReport(log(), { now });
const report = buildReport({
  machines: [m],
  batch: null,
  shop: defaultShop,
  now,
  stationVersion: 'test',
});

describe('Windows install in the report', () => {
  it('the model', () => {
    expect(m.windowsInstall).toEqual({
      medium: 'win11-24h2',
      edition: 'Windows 11 Pro',
      index: 6,
      imageKind: 'esd',
      imageBytes: 4_700_000_000,
      driverPacks: ['dell-5440'],
      winpeDriverPacks: ['dell-5440-winpe'],
      firmware: 'UEFI',
      disk: 'disk 2 SCSI 1000 GB Samsung SSD 980 PRO',
      layout: 'gpt',
      downloadSeconds: 95,
      applySeconds: 600,
      failedPhase: null,
    });
  });

  it('null for a deployment without WinPE', () => {
    const plain = deploymentLog({
      machineId: 'm2',
      index: 2,
      start: new Date('2026-11-26T08:00:00Z'),
      variant: 'technician',
      batch: null,
    });
    expect(machineReport(plain, { now }).windowsInstall).toBeNull();
  });

  it('JSON: valid against docs/report.schema.json', () => {
    const doc = JSON.parse(reportJson(report)) as Record<string, unknown>;
    expect(reportSchemaErrors(doc)).toBeNull();
  });

  const skip = requireOrSkip(commandUnavailable('pdftotext', 'poppler-utils'));
  it.skipIf(skip)('PDF: a Windows install section', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'win-pdf-'));
    try {
      const file = path.join(dir, 'r.pdf');
      fs.writeFileSync(file, await reportPdf(report, defaultShop));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Windows install (WinPE)');
      expect(text).toContain('win11-24h2');
      expect(text).toMatch(/image index 6/);
      expect(text).toContain('dell-5440-winpe (WinPE)');
      expect(text).toContain('Samsung SSD 980 PRO');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
