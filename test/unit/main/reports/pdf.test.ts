import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, machineReport } from '../../../../main/reports/model.js';
import { reportPdf } from '../../../../main/reports/pdf.js';
import { defaultShop } from '../../../../main/reports/settings.js';
import type { Paper, Report } from '../../../../main/reports/types.js';
import { commandUnavailable, requireOrSkip } from '../../../helpers/env.js';
import { deploymentLog, profile, SECRET, type Variant } from './fixtures.js';

const skip = requireOrSkip(
  commandUnavailable('pdftotext', 'poppler-utils'),
  commandUnavailable('pdftoppm', 'poppler-utils'),
);
const artifacts = path.resolve('test-artifacts/reports');
const now = new Date('2026-11-26T15:00:00Z');
const shop = {
  ...defaultShop,
  name: 'Bench & Byte IT-Service',
  address: 'Hauptstraße 5, 80331 München',
  technician: 'Jörg Meier',
  timeZone: 'Europe/Berlin',
};

function batchReport(variants: Variant[]): Report {
  const machines = variants.map((variant, i) =>
    machineReport(
      deploymentLog({
        machineId: `m${i}`,
        index: i + 1,
        start: new Date(Date.UTC(2026, 10, 26, 8, i * 7)),
        variant,
        batch: 'b00001',
      }),
      { now, batch: 'b00001' },
    ),
  );
  return buildReport({
    machines,
    batch: {
      id: 'b00001',
      name: 'Müller November',
      profile: profile.id,
      count: variants.length,
      createdAt: '2026-11-26T07:55:00Z',
      closedAt: null,
    },
    shop,
    now,
    stationVersion: '0.1.0',
  });
}

async function writePdf(name: string, r: Report, paper: Paper): Promise<string> {
  fs.mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.pdf`);
  fs.writeFileSync(file, await reportPdf(r, { paper, timeZone: shop.timeZone }));
  return file;
}

const text = (file: string, first?: number, last?: number): string =>
  execFileSync(
    'pdftotext',
    ['-layout', ...(first ? ['-f', String(first), '-l', String(last ?? first)] : []), file, '-'],
    { encoding: 'utf8' },
  );

// Rendering loads pdfkit and fonts: slow on a busy 2-core machine, never a speed assertion.
describe.skipIf(skip)(
  `PDF report${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 180_000 },
  () => {
    it('a batch names every machine and app, numbers its pages and hides secrets (A4)', async () => {
      const variants: Variant[] = [
        'done',
        'retried',
        'failed',
        'in-progress',
        'technician',
        'done',
      ];
      const r = batchReport(variants);
      const file = await writePdf('batch-a4', r, 'a4');
      const all = text(file);
      const flat = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(
        /\s+/g,
        ' ',
      );
      const pages = Number(
        /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1],
      );
      expect(pages).toBeGreaterThanOrEqual(variants.length + 1);
      expect(all).toContain(`Page 1 of ${pages}`);
      expect(all).toContain(`Page ${pages} of ${pages}`);
      expect(all).toContain('Müller & Söhne GmbH');
      expect(all).toContain('Jörg Meier');
      for (const m of r.machines) expect(all).toContain(m.hardware.serial!);
      for (const app of ['Mozilla Firefox ESR', '7-Zip', 'LibreOffice']) {
        expect(all.split(app).length - 1).toBeGreaterThanOrEqual(variants.length - 1);
      }
      expect(all).toContain('3f9a1c0d5e7b2468');
      expect(all).toContain('[masked]');
      expect(all).not.toContain(SECRET);
      expect(flat).toContain('Retried automatically (attempt 2)');
      expect(flat).toContain('skipped by the technician');
      execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(artifacts, 'batch-a4')]);
      expect(
        fs.existsSync(
          path.join(artifacts, `batch-a4-${String(1).padStart(String(pages).length, '0')}.png`),
        ),
      ).toBe(true);
    });

    it('an unfinished machine says so on its first page (Letter)', async () => {
      const m = machineReport(
        deploymentLog({
          machineId: 'mx',
          index: 42,
          start: new Date('2026-11-26T09:00:00Z'),
          variant: 'in-progress',
        }),
        { now },
      );
      const r = buildReport({ machines: [m], batch: null, shop, now, stationVersion: '0.1.0' });
      const file = await writePdf('machine-in-progress-letter', r, 'letter');
      expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(
        /Page size:\s+612 x 792/,
      );
      expect(text(file, 1)).toContain('IN PROGRESS');
      expect(text(file, 1)).toContain('Install Mozilla Firefox ESR');
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '60',
        file,
        path.join(artifacts, 'machine-in-progress-letter'),
      ]);
    });

    it('wraps long values inside the page: no word outside the margins, nothing lost', async () => {
      const m = machineReport(
        deploymentLog({
          machineId: 'mlong',
          index: 7,
          start: new Date('2026-11-26T09:00:00Z'),
          variant: 'technician',
        }),
        { now },
      );
      const token = 'X'.repeat(40) + 'Y'.repeat(40) + 'Z'.repeat(40);
      m.hardware.hostname = `host-with-a-very-long-name-${'ä'.repeat(30)}`;
      m.steps.find((s) => s.id === 'check-bitlocker')!.evidence.push(`unbroken ${token}`);
      m.steps.find((s) => s.id === 'app-firefox')!.label =
        `Install ${'Mozilla Firefox Extended Support Release '.repeat(4)}`;
      const r = buildReport({ machines: [m], batch: null, shop, now, stationVersion: '0.1.0' });
      for (const paper of ['a4', 'letter'] as const) {
        const file = await writePdf(`machine-long-values-${paper}`, r, paper);
        const flat = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(
          /\s+/g,
          '',
        );
        expect(flat).toContain(token);
        expect(flat).toContain(m.hardware.hostname.replace(/\s+/g, ''));
        const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' });
        const page = /<page width="([\d.]+)" height="([\d.]+)"/.exec(bbox)!;
        const [w, h] = [Number(page[1]), Number(page[2])];
        const words = [
          ...bbox.matchAll(
            /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">/g,
          ),
        ];
        expect(words.length).toBeGreaterThan(100);
        for (const [, x0, y0, x1, y1] of words) {
          expect(Number(x0)).toBeGreaterThanOrEqual(40);
          expect(Number(x1)).toBeLessThanOrEqual(w - 40);
          expect(Number(y0)).toBeGreaterThanOrEqual(20);
          expect(Number(y1)).toBeLessThanOrEqual(h - 20);
        }
      }
    });

    it('a long summary table breaks across pages and repeats its header', async () => {
      const r = batchReport(Array.from({ length: 70 }, (): Variant => 'done'));
      const file = await writePdf('batch-70-letter', r, 'letter');
      const p2 = text(file, 2);
      expect(p2).toContain('Summary (continued)');
      expect(p2).toMatch(/Serial\s+Model/);
      expect(text(file)).toContain('SN-00070');
    });
  },
);
