import type { Db } from '../db/open.js';
import { normalizeMac } from '../machines/state.js';
import type { Entry, EntryData } from '../machines/types.js';
import type { BatchInfo } from './types.js';

/**
 * Read-only named statements over the machines tables (migration 0010): what a report is
 * built from. It reads SQLite directly, not the live registry, so `prepstation report`
 * works on a data dir whether or not a station is running on it (WAL allows both).
 */
export class ReportSource {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      machineExists: db.prepare('SELECT id FROM machines WHERE id = ?'),
      entriesOf: db.prepare(
        'SELECT id, machine_id, at, deployment, data FROM machine_events WHERE machine_id = ? ORDER BY id',
      ),
      // Candidates only: the JSON text mentions the MAC; replaying the log confirms it.
      macCandidates: db.prepare(
        `SELECT DISTINCT machine_id FROM machine_events
          WHERE kind IN ('discovered', 'identity', 'inventory') AND instr(lower(data), ?) > 0`,
      ),
      batch: db.prepare('SELECT * FROM batches WHERE id = ?'),
      batchMembers: db.prepare(
        `SELECT machine_id, MIN(id) AS first FROM machine_events
          WHERE kind = 'assigned' AND json_extract(data, '$.batch') = ?
          GROUP BY machine_id ORDER BY first`,
      ),
    };
  }

  entriesOf(machineId: string): Entry[] {
    return (this.s.entriesOf.all(machineId) as EntryRow[]).map((r) => ({
      id: r.id,
      machineId: r.machine_id,
      at: r.at,
      deployment: r.deployment,
      data: JSON.parse(r.data) as EntryData,
    }));
  }

  /** A machine by its id or any of its MACs (in any notation), or null. */
  findMachine(idOrMac: string): string | null {
    if (this.s.machineExists.get(idOrMac)) return idOrMac;
    const mac = normalizeMac(idOrMac);
    if (!mac) return null;
    const ids = (this.s.macCandidates.all(mac) as { machine_id: string }[]).map(
      (r) => r.machine_id,
    );
    for (const id of ids) {
      if (macsOf(this.entriesOf(id)).includes(mac)) return id;
    }
    return null;
  }

  batch(id: string): BatchInfo | null {
    const r = this.s.batch.get(id) as BatchRow | undefined;
    if (!r) return null;
    return {
      id: r.id,
      name: r.name,
      profile: r.profile,
      count: r.count,
      createdAt: r.created_at,
      closedAt: r.closed_at,
    };
  }

  /** Machines the batch assigned, in the order it assigned them. */
  batchMachineIds(id: string): string[] {
    return (this.s.batchMembers.all(id) as { machine_id: string }[]).map((r) => r.machine_id);
  }
}

function macsOf(entries: Entry[]): string[] {
  const out: string[] = [];
  const add = (m: unknown): void => {
    const n = typeof m === 'string' ? normalizeMac(m) : null;
    if (n && !out.includes(n)) out.push(n);
  };
  for (const e of entries) {
    const d = e.data;
    if (d.kind === 'discovered') add(d.mac);
    if (d.kind === 'identity') d.macs?.forEach(add);
    if (d.kind === 'inventory' && Array.isArray(d.inventory.macs)) d.inventory.macs.forEach(add);
  }
  return out;
}

interface EntryRow {
  id: number;
  machine_id: string;
  at: string;
  deployment: number;
  data: string;
}

interface BatchRow {
  id: string;
  name: string | null;
  profile: string;
  count: number | null;
  created_at: string;
  closed_at: string | null;
}
