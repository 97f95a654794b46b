import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Db } from '../db/open.js';
import { reportCsv } from './csv.js';
import { reportJson } from './json.js';
import { buildReport, machineReport } from './model.js';
import { logoBytes, readShop } from './settings.js';
import { ReportSource } from './source.js';
import type { Paper, Report, ShopSettings } from './types.js';

/**
 * From a station's data to a finished report file: the one path the CLI and the UI API
 * share. Reads SQLite (ReportSource), the shop settings, and the customer's logo file.
 */

export const reportFormats = ['pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof reportFormats)[number];

export interface ReportInputs {
  db: Db;
  now: Date;
  stationVersion: string;
  /** Overrides the shop's default technician. */
  technician?: string | null;
}

export function machineReportFor(i: ReportInputs, idOrMac: string): Report | null {
  const src = new ReportSource(i.db);
  const id = src.findMachine(idOrMac);
  if (!id) return null;
  const m = machineReport(src.entriesOf(id), { now: i.now });
  return buildReport({
    machines: [m],
    batch: null,
    shop: readShop(i.db),
    technician: i.technician,
    now: i.now,
    stationVersion: i.stationVersion,
  });
}

export function batchReportFor(i: ReportInputs, batchId: string): Report | null {
  const src = new ReportSource(i.db);
  const batch = src.batch(batchId);
  if (!batch) return null;
  const machines = src
    .batchMachineIds(batchId)
    .map((id) => machineReport(src.entriesOf(id), { now: i.now, batch: batchId }));
  return buildReport({
    machines,
    batch,
    shop: readShop(i.db),
    technician: i.technician,
    now: i.now,
    stationVersion: i.stationVersion,
  });
}

export interface RenderOptions {
  shop: ShopSettings;
  paper?: Paper;
  /** Where profiles and files live, to find the customer's logo (optional). */
  profilesDir?: string;
  filesDir?: string;
}

export interface RenderedReport {
  body: Buffer;
  contentType: string;
  fileName: string;
}

export async function renderReport(
  r: Report,
  format: ReportFormat,
  o: RenderOptions,
): Promise<RenderedReport> {
  const fileName = `${reportBaseName(r)}.${format}`;
  switch (format) {
    case 'json':
      return {
        body: Buffer.from(reportJson(r), 'utf8'),
        contentType: 'application/json; charset=utf-8',
        fileName,
      };
    case 'csv':
      return {
        body: reportCsv(r),
        contentType: 'text/csv; charset=utf-8; header=present',
        fileName,
      };
    case 'pdf': {
      const profileId = r.machines.find((m) => m.profile)?.profile?.id ?? r.batch?.profile;
      const customerLogo =
        profileId && o.profilesDir && o.filesDir
          ? customerLogoFile(o.profilesDir, o.filesDir, profileId)
          : null;
      // pdfkit and its font engine take a while to load: only when a PDF is asked for,
      // never on the way to `serve` or another command.
      const { reportPdf } = await import('./pdf.js');
      const body = await reportPdf(r, {
        paper: o.paper ?? o.shop.paper,
        timeZone: o.shop.timeZone,
        shopLogo: o.shop.logo ? logoBytes(o.shop.logo) : null,
        customerLogo,
      });
      return { body, contentType: 'application/pdf', fileName };
    }
  }
}

/** "prep-report-batch-b1c2d3" or "prep-report-<host or serial or id>": safe in any file system. */
export function reportBaseName(r: Report): string {
  const m = r.machines[0];
  const what =
    r.kind === 'batch'
      ? `batch-${r.batch?.name ?? r.batch?.id ?? ''}`
      : (m?.hardware.hostname ?? m?.hardware.serial ?? m?.id ?? 'machine');
  const safe = what
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `prep-report-${safe || 'report'}`;
}

const LOGO_FILE_MAX = 2 * 1024 * 1024;

/**
 * The customer's logo (profile `customer.logo`, a path in the files dir), following
 * `extends` to a base profile. Decoration only: any problem means no logo, never no report.
 */
export function customerLogoFile(
  profilesDir: string,
  filesDir: string,
  profileId: string,
): Buffer | null {
  let id: string | undefined = profileId;
  for (let depth = 0; id && depth < 5; depth++) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) return null;
    let doc: { extends?: unknown; customer?: { logo?: unknown } } | null;
    try {
      doc = parse(fs.readFileSync(path.join(profilesDir, `${id}.yaml`), 'utf8')) as typeof doc;
    } catch {
      return null;
    }
    const logo = doc?.customer?.logo;
    if (typeof logo === 'string') {
      const file = path.resolve(filesDir, logo);
      if (!file.startsWith(path.resolve(filesDir) + path.sep)) return null;
      try {
        if (fs.statSync(file).size > LOGO_FILE_MAX) return null;
        const buf = fs.readFileSync(file);
        const png = buf[0] === 0x89 && buf[1] === 0x50;
        const jpeg = buf[0] === 0xff && buf[1] === 0xd8;
        return png || jpeg ? buf : null;
      } catch {
        return null;
      }
    }
    id = typeof doc?.extends === 'string' ? doc.extends : undefined;
  }
  return null;
}
