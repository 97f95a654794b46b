import type { BootLogEvent, BootLogPage, StoredBootEvent } from '../api/contract.js';
import type { Db } from '../db/open.js';

/** Rows kept; older ones go (a busy bench sends a few thousand requests a day). */
export const BOOT_LOG_KEEP = 200_000;

export interface BootLogQuery {
  /** Any part of a MAC, with or without separators. */
  mac?: string;
  protocol?: BootLogEvent['protocol'];
  /** Start of the client address, e.g. 192.168.50.1 */
  client?: string;
  /** Paging: rows older than this id. */
  before?: number;
  limit?: number;
}

interface Row {
  id: number;
  at: string;
  protocol: BootLogEvent['protocol'];
  mac: string | null;
  client: string;
  summary: string;
  data: string | null;
}

const hex = (mac: string): string => mac.toLowerCase().replace(/[^0-9a-f]/g, '');

/** The boot log table: appended in batches, read newest first with filters and paging. */
export class BootLogStore {
  private readonly insert;
  private readonly prune;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO boot_log (at, protocol, mac_hex, mac, client, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.prune = db.prepare('DELETE FROM boot_log WHERE id <= (SELECT MAX(id) FROM boot_log) - ?');
  }

  append(events: BootLogEvent[]): void {
    if (events.length === 0) return;
    this.db.transaction(() => {
      for (const e of events) {
        this.insert.run(
          e.at,
          e.protocol,
          e.mac ? hex(e.mac) : null,
          e.mac,
          e.client,
          e.summary,
          e.data ? JSON.stringify(e.data) : null,
        );
      }
    })();
  }

  pruneOld(keep = BOOT_LOG_KEEP): void {
    this.prune.run(keep);
  }

  query(q: BootLogQuery): BootLogPage {
    const limit = Math.min(Math.max(q.limit ?? 200, 1), 1000);
    const where: string[] = [];
    const args: (string | number)[] = [];
    const mac = q.mac ? hex(q.mac) : '';
    if (mac) {
      where.push("mac_hex LIKE ? ESCAPE '\\'");
      args.push(`%${mac}%`);
    }
    if (q.protocol) {
      where.push('protocol = ?');
      args.push(q.protocol);
    }
    if (q.client) {
      where.push("client LIKE ? ESCAPE '\\'");
      args.push(`${q.client.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (q.before) {
      where.push('id < ?');
      args.push(q.before);
    }
    const sql = `SELECT id, at, protocol, mac, client, summary, data FROM boot_log ${
      where.length ? `WHERE ${where.join(' AND ')}` : ''
    } ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, limit + 1) as Row[];
    const more = rows.length > limit;
    const events: StoredBootEvent[] = rows.slice(0, limit).map((r) => ({
      id: r.id,
      at: r.at,
      protocol: r.protocol,
      mac: r.mac,
      client: r.client,
      summary: r.summary,
      ...(r.data ? { data: JSON.parse(r.data) as Record<string, unknown> } : {}),
    }));
    return { events, before: more ? events.at(-1)!.id : null };
  }
}
