import type { MachineReport, Report, StepReport } from './types.js';

/**
 * The CSV report: one line per machine and step (a machine without steps yet gets one line
 * with the step columns empty), so a spreadsheet can filter by step, status or machine.
 * RFC 4180: CRLF line ends, every field quoted when it holds a comma, quote, CR or LF,
 * quotes doubled. UTF-8 with a BOM, which Excel needs to read UTF-8 (LibreOffice ignores it).
 * Times are UTC ISO 8601; sizes in bytes and durations in seconds, as numbers.
 */
export const CSV_COLUMNS = [
  'batch_id',
  'batch_name',
  'customer',
  'machine_id',
  'machine_name',
  'hostname',
  'vendor',
  'model',
  'serial',
  'macs',
  'cpu',
  'ram_bytes',
  'disks',
  'profile_id',
  'profile_version',
  'os',
  'os_version',
  'machine_status',
  'machine_started_at',
  'machine_ended_at',
  'machine_total_seconds',
  'step_order',
  'step_id',
  'step_kind',
  'step_type',
  'step_label',
  'step_status',
  'step_attempts',
  'step_exit_code',
  'step_started_at',
  'step_ended_at',
  'step_duration_seconds',
  'app_version',
  'installer_file',
  'installer_sha256',
  'step_details',
  'step_message',
  'check_expected',
  'check_actual',
  'check_result',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvValue = string | number | null;

function machineCells(r: Report, m: MachineReport): Record<string, CsvValue> {
  const h = m.hardware;
  return {
    batch_id: r.batch?.id ?? m.batch,
    batch_name: r.batch?.name ?? null,
    customer: m.customer,
    machine_id: m.id,
    machine_name: m.name,
    hostname: h.hostname,
    vendor: h.vendor,
    model: h.model,
    serial: h.serial,
    macs: h.macs.join(' '),
    cpu: h.cpu,
    ram_bytes: h.ramBytes,
    disks: h.disks.map((d) => `${d.name} ${d.sizeBytes}${d.model ? ` ${d.model}` : ''}`).join('; '),
    profile_id: m.profile?.id ?? null,
    profile_version: m.profile?.version ?? null,
    os: m.os.name,
    os_version: m.os.version,
    machine_status: m.status,
    machine_started_at: m.timing.startedAt,
    machine_ended_at: m.timing.endedAt,
    machine_total_seconds: m.timing.totalSeconds,
  };
}

function stepCells(s: StepReport | null): Record<string, CsvValue> {
  return {
    step_order: s?.order ?? null,
    step_id: s?.id ?? null,
    step_kind: s?.kind ?? null,
    step_type: s?.type ?? null,
    step_label: s?.label ?? null,
    step_status: s?.status ?? null,
    step_attempts: s?.attempts ?? null,
    step_exit_code: s?.exitCode ?? null,
    step_started_at: s?.startedAt ?? null,
    step_ended_at: s?.endedAt ?? null,
    step_duration_seconds: s?.durationSeconds ?? null,
    app_version: s?.version ?? null,
    installer_file: s?.installer?.file ?? null,
    installer_sha256: s?.installer?.sha256 ?? null,
    step_details: s?.details ?? null,
    step_message: s?.message ?? null,
    check_expected: s?.check?.expected ?? null,
    check_actual: s?.check?.actual ?? null,
    check_result: s?.check?.result ?? null,
  };
}

/** The data lines, before encoding: what a parser must read back. */
export function csvRows(r: Report): CsvValue[][] {
  const rows: CsvValue[][] = [];
  for (const m of r.machines) {
    const mc = machineCells(r, m);
    const steps: (StepReport | null)[] = m.steps.length ? m.steps : [null];
    for (const s of steps) {
      const cells = { ...mc, ...stepCells(s) };
      rows.push(CSV_COLUMNS.map((c) => cells[c] ?? null));
    }
  }
  return rows;
}

/**
 * A text cell that starts like a formula (= + - @) would run as one in Excel: it gets a
 * leading apostrophe, which Excel hides and a reader of the raw file strips (docs/reports.md).
 */
export function csvField(v: CsvValue): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportCsv(r: Report): Buffer {
  const lines = [CSV_COLUMNS.join(','), ...csvRows(r).map((row) => row.map(csvField).join(','))];
  return Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'),
  ]);
}
