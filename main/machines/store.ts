import type { AssignmentRule } from '../api/contract.js';
import type { Db } from '../db/open.js';
import type { Entry, EntryData } from './types.js';

export interface BatchRow {
  id: string;
  name: string | null;
  profile: string;
  count: number | null;
  macs: string[] | null;
  createdAt: string;
  closedAt: string | null;
}

/** Named statements over the machines tables (migration 0010); no logic here. */
export class MachineStore {
  private readonly s;
  /** One transaction wrapper for every call: better-sqlite3 builds a new one per transaction(). */
  private readonly tx: (f: () => unknown) => unknown;

  constructor(db: Db) {
    this.tx = db.transaction((f: () => unknown) => f());
    this.s = {
      insertMachine: db.prepare('INSERT INTO machines (id, created_at) VALUES (?, ?)'),
      forget: db.prepare('INSERT OR IGNORE INTO forgotten_machines (machine_id, at) VALUES (?, ?)'),
      allForgotten: db.prepare('SELECT machine_id FROM forgotten_machines'),
      insertEntry: db.prepare(
        'INSERT INTO machine_events (machine_id, at, deployment, kind, seq, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      allEntries: db.prepare(
        'SELECT id, machine_id, at, deployment, kind, data FROM machine_events ORDER BY id',
      ),
      entriesOf: db.prepare(
        'SELECT id, machine_id, at, deployment, kind, data FROM machine_events WHERE machine_id = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      insertBatch: db.prepare(
        'INSERT INTO batches (id, name, profile, count, macs, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      closeBatch: db.prepare('UPDATE batches SET closed_at = ? WHERE id = ? AND closed_at IS NULL'),
      allBatches: db.prepare('SELECT * FROM batches ORDER BY created_at, id'),
      insertRule: db.prepare(
        'INSERT INTO assignment_rules (id, field, pattern, profile, position, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteRule: db.prepare('DELETE FROM assignment_rules WHERE id = ?'),
      allRules: db.prepare('SELECT * FROM assignment_rules ORDER BY position, created_at'),
      getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      putSetting: db.prepare(
        'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ),
    };
  }

  /** Runs f in one transaction: a batch of reports is stored whole or not at all. */
  transaction<T>(f: () => T): T {
    return this.tx(f) as T;
  }

  insertMachine(id: string, at: string): void {
    this.s.insertMachine.run(id, at);
  }

  insertEntry(machineId: string, at: string, deployment: number, data: EntryData): number {
    const seq = 'seq' in data && typeof data.seq === 'number' ? data.seq : null;
    const r = this.s.insertEntry.run(
      machineId,
      at,
      deployment,
      data.kind,
      seq,
      JSON.stringify(data),
    );
    return Number(r.lastInsertRowid);
  }

  *allEntries(): Generator<Entry> {
    for (const row of this.s.allEntries.iterate() as Iterable<EntryRow>) yield entryOf(row);
  }

  entriesOf(machineId: string, afterId = 0, limit = 5000): Entry[] {
    return (this.s.entriesOf.all(machineId, afterId, limit) as EntryRow[]).map(entryOf);
  }

  insertBatch(b: BatchRow): void {
    this.s.insertBatch.run(
      b.id,
      b.name,
      b.profile,
      b.count,
      b.macs ? JSON.stringify(b.macs) : null,
      b.createdAt,
    );
  }

  closeBatch(id: string, at: string): boolean {
    return this.s.closeBatch.run(at, id).changes > 0;
  }

  batches(): BatchRow[] {
    return (this.s.allBatches.all() as BatchDbRow[]).map(batchOf);
  }

  insertRule(r: AssignmentRule, position: number): void {
    this.s.insertRule.run(r.id, r.field, r.pattern, r.profile, position, r.createdAt);
  }

  /**
   * Marks machines forgotten (invented MACs from a flood, PCs that left): the log stays
   * append-only, and the registry skips their entries when it is rebuilt.
   */
  forget(ids: string[], at: string): void {
    this.tx(() => {
      for (const id of ids) this.s.forget.run(id, at);
    });
  }

  forgottenIds(): Set<string> {
    return new Set(
      (this.s.allForgotten.all() as { machine_id: string }[]).map((r) => r.machine_id),
    );
  }

  deleteRule(id: string): boolean {
    return this.s.deleteRule.run(id).changes > 0;
  }

  rules(): AssignmentRule[] {
    return (this.s.allRules.all() as RuleDbRow[]).map((r) => ({
      id: r.id,
      field: r.field,
      pattern: r.pattern,
      profile: r.profile,
      createdAt: r.created_at,
    }));
  }

  setting(key: string): string | null {
    const row = this.s.getSetting.get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  putSetting(key: string, value: string, at: string): void {
    this.s.putSetting.run(key, value, at);
  }
}

/**
 * Read-only named statements over the same tables, for whoever builds from the log without
 * a live registry (reports: `prepstation report` works on a data dir whether or not a
 * station runs on it; WAL allows both). Only this module reads machine_events.
 */
export class MachineLogReader {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      machineExists: db.prepare('SELECT id FROM machines WHERE id = ?'),
      entriesOf: db.prepare(
        'SELECT id, machine_id, at, deployment, kind, data FROM machine_events WHERE machine_id = ? ORDER BY id',
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

  machineExists(id: string): boolean {
    return this.s.machineExists.get(id) !== undefined;
  }

  /** A machine's whole log, oldest first. */
  entriesOf(machineId: string): Entry[] {
    return (this.s.entriesOf.all(machineId) as EntryRow[]).map(entryOf);
  }

  /** Machines whose identity entries mention this (normalized, lower-case) MAC text. */
  machinesMentioning(mac: string): string[] {
    return (this.s.macCandidates.all(mac) as { machine_id: string }[]).map((r) => r.machine_id);
  }

  batch(id: string): BatchRow | null {
    const r = this.s.batch.get(id) as BatchDbRow | undefined;
    return r ? batchOf(r) : null;
  }

  /** Machines the batch assigned, in the order it assigned them. */
  batchMachineIds(id: string): string[] {
    return (this.s.batchMembers.all(id) as { machine_id: string }[]).map((r) => r.machine_id);
  }
}

interface EntryRow {
  id: number;
  machine_id: string;
  at: string;
  deployment: number;
  kind: string;
  data: string;
}

interface BatchDbRow {
  id: string;
  name: string | null;
  profile: string;
  count: number | null;
  macs: string | null;
  created_at: string;
  closed_at: string | null;
}

interface RuleDbRow {
  id: string;
  field: AssignmentRule['field'];
  pattern: string;
  profile: string;
  created_at: string;
}

function entryOf(row: EntryRow): Entry {
  return {
    id: row.id,
    machineId: row.machine_id,
    at: row.at,
    deployment: row.deployment,
    data: JSON.parse(row.data) as EntryData,
  };
}

function batchOf(r: BatchDbRow): BatchRow {
  return {
    id: r.id,
    name: r.name,
    profile: r.profile,
    count: r.count,
    macs: r.macs ? (JSON.parse(r.macs) as string[]) : null,
    createdAt: r.created_at,
    closedAt: r.closed_at,
  };
}
