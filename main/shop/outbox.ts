/**
 * The station side of shipping (SQLite only; no `pg` here): the station's identity and
 * named statements over the outbox of migration 60. An outbox row is the id of a
 * machine_events row, and that id is the seq the shop database keys it by.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Db } from '../db/open.js';

/** One machine event as shipped: the outbox row joined with machine_events. */
export interface OutboxEvent {
  seq: number;
  machineId: string;
  at: string;
  deployment: number;
  kind: string;
  /** The event's JSON text as the station stored it. */
  data: string;
}

export interface StationIdentity {
  id: string;
  name: string;
}

const STATION_ID_KEY = 'station.id';
const OUTBOX_KEY = 'shop.outbox';

/**
 * The station's id: a uuid made on the first start and kept in settings, so it survives
 * restarts, renames and new addresses. The name is the stationName option, else the host
 * name (a label only; the shop view tells stations apart by id).
 */
export function stationIdentity(db: Db, now: Date, name?: string): StationIdentity {
  const get = db.prepare('SELECT value FROM settings WHERE key = ?');
  let id = (get.get(STATION_ID_KEY) as { value: string } | undefined)?.value;
  if (!id) {
    // INSERT OR IGNORE: two processes on one data dir must still end with one id.
    db.prepare('INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(
      STATION_ID_KEY,
      randomUUID(),
      now.toISOString(),
    );
    id = (get.get(STATION_ID_KEY) as { value: string }).value;
  }
  return { id, name: name ?? os.hostname() };
}

export class Outbox {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      flag: db.prepare('SELECT value FROM settings WHERE key = ?'),
      setFlag: db.prepare(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, 'on', ?) ON CONFLICT(key) DO UPDATE SET value = 'on', updated_at = excluded.updated_at",
      ),
      backfill: db.prepare(
        'INSERT OR IGNORE INTO shop_outbox (event_id) SELECT id FROM machine_events',
      ),
      count: db.prepare('SELECT count(*) AS n FROM shop_outbox'),
      chunk: db.prepare(
        `SELECT o.event_id AS seq, e.machine_id AS machineId, e.at, e.deployment, e.kind, e.data
           FROM shop_outbox o JOIN machine_events e ON e.id = o.event_id
          ORDER BY o.event_id LIMIT ?`,
      ),
      shipped: db.prepare('DELETE FROM shop_outbox WHERE event_id <= ?'),
      refill: db.prepare(
        'INSERT OR IGNORE INTO shop_outbox (event_id) SELECT id FROM machine_events WHERE id BETWEEN ? AND ?',
      ),
      eventsIn: db.prepare('SELECT count(*) AS n FROM machine_events WHERE id BETWEEN ? AND ?'),
      forgotten: db.prepare(
        'SELECT rowid, machine_id AS machineId FROM forgotten_machines WHERE rowid > ? ORDER BY rowid LIMIT ?',
      ),
    };
  }

  enabled(): boolean {
    return (this.s.flag.get(OUTBOX_KEY) as { value: string } | undefined)?.value === 'on';
  }

  /**
   * Turns the trigger on, the first time this station ships: in one transaction with copying
   * every event so far, so the shop gets the whole history from seq 1 with no hole, and no
   * event written meanwhile can fall between the copy and the trigger.
   */
  enable(now: Date): boolean {
    if (this.enabled()) return false;
    this.db.transaction(() => {
      this.s.backfill.run();
      this.s.setFlag.run(OUTBOX_KEY, now.toISOString());
    })();
    return true;
  }

  backlog(): number {
    return (this.s.count.get() as { n: number }).n;
  }

  /** The oldest `limit` events not yet shipped, in seq order. */
  chunk(limit: number): OutboxEvent[] {
    return this.s.chunk.all(limit) as OutboxEvent[];
  }

  /** Forgets what the shop database committed: every outbox row up to `seq`. */
  shipped(seq: number): void {
    this.s.shipped.run(seq);
  }

  /**
   * Machines forgotten on the station after `rowid`: forgetting writes no event (the log
   * stays as it was), so the shipper carries it to the shop's projection this way.
   */
  forgottenAfter(rowid: number, limit: number): { rowid: number; machineId: string }[] {
    return this.s.forgotten.all(rowid, limit) as { rowid: number; machineId: string }[];
  }

  /**
   * Queues seqs from..to again from the station's own machine_events (append-only, so they
   * are all there unless the database file was replaced). Returns how many of them exist.
   */
  refill(from: number, to: number): number {
    return this.db.transaction(() => {
      this.s.refill.run(from, to);
      return (this.s.eventsIn.get(from, to) as { n: number }).n;
    })();
  }
}
