import {
  renderReport,
  reportBaseName,
  type RenderOptions,
  type RenderedReport,
  type ReportFormat,
} from '../../reports/build.js';
import { CSV_COLUMNS, csvField, csvRows } from '../../reports/csv.js';
import type { Report } from '../../reports/types.js';

/**
 * A shop report in the station's own formats. JSON and PDF are the station's writers as
 * they are (the JSON's machines carry `station`); the CSV gets a `station` column first,
 * so a spreadsheet of the whole shop filters by station like by any other column.
 */
export async function renderShopReport(
  r: Report,
  format: ReportFormat,
  o: RenderOptions,
): Promise<RenderedReport> {
  if (format !== 'csv') {
    const out = await renderReport(r, format, o);
    return { ...out, fileName: out.fileName.replace(/^prep-report-/, 'prep-report-shop-') };
  }
  return {
    body: shopCsv(r),
    contentType: 'text/csv; charset=utf-8; header=present',
    fileName: `${reportBaseName(r).replace(/^prep-report-/, 'prep-report-shop-')}.csv`,
  };
}

/** The station's CSV (same rows, same quoting, BOM and CRLF) with the station's name first. */
export function shopCsv(r: Report): Buffer {
  const rows = csvRows(r);
  // csvRows writes one line per step, or one for a machine without steps: the same walk
  // tells which machine each line belongs to.
  const stations: string[] = [];
  for (const m of r.machines) {
    const name = (m as { station?: { name: string } }).station?.name ?? '';
    for (let i = 0; i < Math.max(1, m.steps.length); i++) stations.push(name);
  }
  const lines = [
    ['station', ...CSV_COLUMNS].join(','),
    ...rows.map((row, i) => [stations[i] ?? '', ...row].map(csvField).join(',')),
  ];
  return Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'),
  ]);
}
