import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, csvRows, reportCsv } from '../../../../main/reports/csv.js';
import { reportJson } from '../../../../main/reports/json.js';
import { buildReport, machineReport } from '../../../../main/reports/model.js';
import { defaultShop } from '../../../../main/reports/settings.js';
import type { Report } from '../../../../main/reports/types.js';
import { deploymentLog, SECRET, type Variant } from './fixtures.js';
import { reportSchemaErrors } from '../../../helpers/report-schema.js';

const now = new Date('2026-11-26T15:00:00Z');

function batch(): Report {
  const variants: Variant[] = ['done', 'retried', 'failed', 'in-progress', 'technician'];
  const machines = variants.map((variant, i) =>
    machineReport(
      deploymentLog({
        machineId: `m${i}`,
        index: i + 1,
        start: new Date(Date.UTC(2026, 10, 26, 8, i)),
        variant,
        batch: 'b1',
      }),
      { now, batch: 'b1' },
    ),
  );
  // A machine that is known but has no plan yet: one CSV line, step columns empty.
  machines.push(
    machineReport(
      [
        {
          id: 1,
          machineId: 'm9',
          at: '2026-11-26T09:00:00.000Z',
          deployment: 0,
          data: { kind: 'discovered', mac: '52:54:00:aa:bb:cc', via: 'dhcp' },
        },
      ],
      { now },
    ),
  );
  // Values that need quoting or a formula guard.
  machines[0]!.name = 'Empfang, "vorne"\nRaum 1';
  machines[0]!.steps[1]!.message = '=HYPERLINK("http://evil")';
  return buildReport({
    machines,
    batch: {
      id: 'b1',
      name: 'Müller November',
      profile: 'mueller-office',
      count: 6,
      createdAt: '2026-11-26T07:00:00.000Z',
      closedAt: null,
    },
    shop: { ...defaultShop, name: 'Shop' },
    now,
    stationVersion: '0.1.0',
  });
}

/** What a reader gets back from a cell: the formula guard's apostrophe removed (docs/reports.md). */
function unguard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

describe('CSV report', () => {
  const r = batch();
  const bytes = reportCsv(r);

  it('is UTF-8 with a BOM and CRLF line ends (RFC 4180)', () => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    expect(text).toContain('Müller November');
  });

  it('parses back to exactly the data: one line per machine and step', () => {
    const rows = parse(bytes, { bom: true, relax_column_count: false }) as string[][];
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const data = rows.slice(1).map((row) => row.map(unguard));
    const expected = csvRows(r).map((row) => row.map((v) => (v === null ? '' : String(v))));
    expect(data).toEqual(expected);
    expect(data).toHaveLength(r.machines.reduce((n, m) => n + Math.max(1, m.steps.length), 0));
    const col = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    expect(data[0]![col('machine_name')]).toBe('Empfang, "vorne"\nRaum 1');
    expect(data.find((x) => x[col('step_id')] === 'app-firefox')![col('app_version')]).toBe(
      '128.5.0',
    );
    expect(data.at(-1)![col('step_id')]).toBe('');
    expect(data.at(-1)![col('macs')]).toBe('52:54:00:aa:bb:cc');
  });

  it('keeps Excel from running a cell as a formula', () => {
    expect(bytes.toString('utf8')).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField(-1073741819)).toBe('-1073741819');
    expect(csvField('-x')).toBe("'-x");
  });

  it('holds no secret', () => {
    expect(bytes.toString('utf8')).not.toContain(SECRET);
  });
});

describe('JSON report', () => {
  it('validates against docs/report.schema.json, for a batch and a single machine', () => {
    const r = batch();
    const doc = JSON.parse(reportJson(r)) as Record<string, unknown>;
    expect(reportSchemaErrors(doc)).toBeNull();
    const single = buildReport({
      machines: [r.machines[3]!],
      batch: null,
      shop: defaultShop,
      now,
      stationVersion: '0.1.0',
    });
    expect(reportSchemaErrors(JSON.parse(reportJson(single)))).toBeNull();
  });

  it('the schema is strict: an unknown or missing field fails', () => {
    const doc = JSON.parse(reportJson(batch())) as { machines: Record<string, unknown>[] };
    doc.machines[0]!.extra = 1;
    expect(reportSchemaErrors(doc)).not.toBeNull();
    delete doc.machines[0]!.extra;
    delete doc.machines[0]!.hardware;
    expect(reportSchemaErrors(doc)).not.toBeNull();
  });

  it('holds no secret', () => {
    expect(reportJson(batch())).not.toContain(SECRET);
  });
});
