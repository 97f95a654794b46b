import type { Entry, EntryData } from '../../machines/types.js';
import { machineReport, buildReport } from '../../reports/model.js';
import type { BatchInfo, MachineReport, Report, ShopSettings } from '../../reports/types.js';
import type { Pool } from '../pg.js';

/**
 * Reports across stations (issue 20): the same model, writers and formats as a station's
 * own reports (main/reports), built from the events the stations shipped to PostgreSQL
 * instead of one station's SQLite. Each machine carries the station it was prepared on.
 */

/** Which machines a shop report covers; every field narrows it, none means all. */
export interface ShopReportFilter {
  station?: string;
  machine?: string;
  batch?: string;
  profile?: string;
  /** ISO times: machines whose last shipped word is in this period. */
  from?: string;
  to?: string;
}

/** A machine report with the station it was prepared on (the JSON report's `station`). */
export type ShopMachineReport = MachineReport & { station: { id: string; name: string } };

/** No shop report names more machines than this; a narrower filter is asked for instead. */
export const SHOP_REPORT_MAX_MACHINES = 2_000;

export class ShopReportSource {
  constructor(private readonly pool: Pool) {}

  /** The machines a filter covers, oldest word first, with their station's name. */
  async machines(
    f: ShopReportFilter,
  ): Promise<{ stationId: string; stationName: string; machineId: string }[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v: unknown): void => {
      args.push(v);
      where.push(sql.replaceAll('?', `$${args.length}`));
    };
    // A station by its id or by the name the technicians know it by.
    if (f.station) add('(m.station_id = ? OR s.name = ?)', f.station);
    if (f.machine) add('m.machine_id = ?', f.machine);
    // A batch is a station's own; the shipped 'assigned' events name it (shop_machines.batch
    // holds only the current one, and a machine may have been in another batch before).
    if (f.batch)
      add(
        `EXISTS (SELECT 1 FROM shop_events e WHERE e.station_id = m.station_id
           AND e.machine_id = m.machine_id AND e.kind = 'assigned' AND e.data->>'batch' = ?)`,
        f.batch,
      );
    if (f.profile) add('m.profile = ?', f.profile);
    if (f.from) add('m.updated_at >= ?', f.from);
    if (f.to) add('m.updated_at <= ?', f.to);
    const sql = `SELECT m.station_id, s.name AS station_name, m.machine_id
        FROM shop_machines m JOIN shop_stations s ON s.id = m.station_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY m.updated_at, s.name, m.machine_id LIMIT ${SHOP_REPORT_MAX_MACHINES + 1}`;
    const r = await this.pool.query<{
      station_id: string;
      station_name: string;
      machine_id: string;
    }>(sql, args);
    return r.rows.map((x) => ({
      stationId: x.station_id,
      stationName: x.station_name,
      machineId: x.machine_id,
    }));
  }

  /** One machine's shipped log, in the station's order: what its report is built from. */
  async entriesOf(stationId: string, machineId: string): Promise<Entry[]> {
    return (
      (await this.entriesOfMany([{ stationId, machineId }])).get(`${stationId}/${machineId}`) ?? []
    );
  }

  /** The logs of many machines in one query, keyed "station/machine", each in seq order. */
  async entriesOfMany(
    list: { stationId: string; machineId: string }[],
  ): Promise<Map<string, Entry[]>> {
    const out = new Map<string, Entry[]>();
    if (list.length === 0) return out;
    const r = await this.pool.query<EventRow>(
      `SELECT e.station_id, e.seq, e.machine_id, e.at, e.deployment, e.data
         FROM unnest($1::text[], $2::text[]) AS w(station_id, machine_id)
         JOIN shop_events e ON e.station_id = w.station_id AND e.machine_id = w.machine_id
        ORDER BY e.station_id, e.machine_id, e.seq`,
      [list.map((m) => m.stationId), list.map((m) => m.machineId)],
    );
    for (const e of r.rows) {
      const key = `${e.station_id}/${e.machine_id}`;
      let entries = out.get(key);
      if (!entries) out.set(key, (entries = []));
      entries.push({
        id: Number(e.seq),
        machineId: e.machine_id,
        at: e.at.toISOString(),
        deployment: e.deployment,
        data: e.data,
      });
    }
    return out;
  }

  /** A batch as the shipped events show it: its profile and first assignment, per station. */
  async batch(id: string): Promise<BatchInfo | null> {
    const r = await this.pool.query<{ profile: string; first: Date }>(
      `SELECT data->>'profile' AS profile, MIN(at) AS first FROM shop_events
        WHERE kind = 'assigned' AND data->>'batch' = $1 GROUP BY 1 ORDER BY 2 LIMIT 1`,
      [id],
    );
    const row = r.rows[0];
    if (!row) return null;
    // The batch's name and size live in the station's own SQLite, not in its events.
    return {
      id,
      name: null,
      profile: row.profile,
      count: null,
      createdAt: row.first.toISOString(),
      closedAt: null,
    };
  }
}

export interface ShopReportInputs {
  source: ShopReportSource;
  shop: ShopSettings;
  now: Date;
  version: string;
  technician?: string | null;
}

/** One machine of one station, or null when the shop has no such machine. */
export async function shopMachineReport(
  i: ShopReportInputs,
  stationId: string,
  machineId: string,
): Promise<Report | null> {
  const [m] = await i.source.machines({ station: stationId, machine: machineId });
  if (!m) return null;
  const report = reportOf(await i.source.entriesOf(m.stationId, m.machineId), m, i.now, undefined);
  if (!report) return null;
  return buildReport({
    machines: [report],
    batch: null,
    shop: i.shop,
    technician: i.technician,
    now: i.now,
    stationVersion: i.version,
  });
}

/**
 * Every machine the filter covers, from every station: a report of kind `batch` (the one
 * kind that lists many machines); its batch is the real one when the filter names a batch,
 * else a description of the selection ("all stations").
 */
export async function shopReport(
  i: ShopReportInputs,
  f: ShopReportFilter,
): Promise<{ ok: true; report: Report } | { ok: false; tooMany: true }> {
  const list = await i.source.machines(f);
  if (list.length > SHOP_REPORT_MAX_MACHINES) return { ok: false, tooMany: true };
  const logs = await i.source.entriesOfMany(list);
  const machines: ShopMachineReport[] = [];
  for (const m of list) {
    const r = reportOf(logs.get(`${m.stationId}/${m.machineId}`) ?? [], m, i.now, f.batch);
    if (r) machines.push(r);
  }
  const batch: BatchInfo = (f.batch ? await i.source.batch(f.batch) : null) ?? {
    id: f.batch ?? 'shop',
    name: selectionName(f, list),
    profile:
      f.profile ?? [...new Set(machines.map((m) => m.profile?.id).filter(Boolean))].join(', '),
    count: null,
    createdAt:
      machines
        .map((m) => m.timing.startedAt)
        .filter((x): x is string => !!x)
        .sort()[0] ?? i.now.toISOString(),
    closedAt: null,
  };
  const report = buildReport({
    machines,
    batch,
    shop: i.shop,
    technician: i.technician,
    now: i.now,
    stationVersion: i.version,
  });
  return { ok: true, report };
}

function reportOf(
  entries: Entry[],
  m: { stationId: string; stationName: string },
  now: Date,
  batch: string | undefined,
): ShopMachineReport | null {
  if (entries.length === 0) return null;
  const report = machineReport(entries, { now, ...(batch ? { batch } : {}) });
  return { ...report, station: { id: m.stationId, name: m.stationName } };
}

function selectionName(f: ShopReportFilter, list: { stationName: string }[]): string {
  const stations = [...new Set(list.map((m) => m.stationName))];
  const parts = [
    f.station
      ? `station ${stations[0] ?? f.station}`
      : `all stations (${stations.join(', ') || 'none'})`,
    f.profile ? `profile ${f.profile}` : null,
    f.from || f.to ? `${f.from ?? '…'} to ${f.to ?? 'now'}` : null,
  ];
  return `Shop: ${parts.filter(Boolean).join(', ')}`;
}

interface EventRow {
  station_id: string;
  seq: string;
  machine_id: string;
  at: Date;
  deployment: number;
  data: EntryData;
}
