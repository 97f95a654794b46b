/**
 * Leases for full mode: an in-memory index (every DISCOVER reads it, so no query per
 * packet) written to SQLite for bound leases, reservations and declines. Offers are memory
 * only: a restart simply forgets them and the client asks again.
 *
 * Lease writes are batched: one transaction per ~20 ms instead of one per ACK (a commit per
 * ACK was most of the CPU under perfdhcp). stop() flushes; a crash can lose the last 20 ms of
 * leases, and those clients simply get their address again on their next REQUEST.
 */
import type { Db } from '../../db/open.js';
import type { LeaseEffect, LeaseRecord, LeaseView } from './full.js';
import { intToIp, ipToInt, poolSize, type Pool } from './pool.js';

export interface Reservation {
  mac: string;
  ip: string;
  hostname: string | null;
}

export class LeaseStore implements LeaseView {
  private readonly byMac = new Map<string, LeaseRecord>();
  private readonly byIp = new Map<string, LeaseRecord>();
  private readonly reserved = new Map<string, string>(); // mac -> ip
  private readonly reservedIps = new Map<string, string>(); // ip -> mac
  private readonly declined = new Map<string, number>(); // ip -> until
  /** Where the next free-address search starts, so addresses rotate instead of reusing .first. */
  private cursor = 0;
  private readonly stmt;
  /** mac -> the lease row to write, or null to delete it; written by flush(). */
  private readonly pending = new Map<
    string,
    (LeaseRecord & { hostname: string | null; at: number }) | null
  >();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly writePending: () => void;

  constructor(
    private readonly db: Db,
    private readonly pool: Pool,
    /** Addresses never handed out, such as the station's own bench address. */
    private readonly excluded: ReadonlySet<string> = new Set(),
  ) {
    this.stmt = {
      upsert: db.prepare(
        `INSERT INTO dhcp_leases (mac, ip, expires_at, hostname, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(mac) DO UPDATE SET ip = excluded.ip, expires_at = excluded.expires_at,
           hostname = coalesce(excluded.hostname, hostname), updated_at = excluded.updated_at`,
      ),
      deleteIp: db.prepare(`DELETE FROM dhcp_leases WHERE ip = ? AND mac <> ?`),
      deleteMac: db.prepare(`DELETE FROM dhcp_leases WHERE mac = ?`),
      decline: db.prepare(
        `INSERT INTO dhcp_declined (ip, until) VALUES (?, ?)
         ON CONFLICT(ip) DO UPDATE SET until = excluded.until`,
      ),
      reserve: db.prepare(
        `INSERT INTO dhcp_reservations (mac, ip, hostname, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(mac) DO UPDATE SET ip = excluded.ip, hostname = excluded.hostname`,
      ),
      unreserve: db.prepare(`DELETE FROM dhcp_reservations WHERE mac = ?`),
    };
    this.writePending = db.transaction(() => {
      for (const [mac, row] of this.pending) {
        if (row) {
          this.stmt.deleteIp.run(row.ip, mac);
          this.stmt.upsert.run(mac, row.ip, row.expiresAt, row.hostname, row.at);
        } else {
          this.stmt.deleteMac.run(mac);
        }
      }
    });
    this.load();
  }

  /** Writes the batched lease changes now (at stop, and about every 20 ms while busy). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.size === 0) return;
    try {
      this.writePending();
    } finally {
      this.pending.clear();
    }
  }

  private schedule(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), 20);
    this.flushTimer.unref?.();
  }

  private load(): void {
    type LeaseRow = { mac: string; ip: string; expires_at: number };
    for (const r of this.db
      .prepare(`SELECT mac, ip, expires_at FROM dhcp_leases`)
      .all() as LeaseRow[]) {
      this.index({ mac: r.mac, ip: r.ip, state: 'bound', expiresAt: r.expires_at });
    }
    for (const r of this.db.prepare(`SELECT mac, ip FROM dhcp_reservations`).all() as {
      mac: string;
      ip: string;
    }[]) {
      this.reserved.set(r.mac, r.ip);
      this.reservedIps.set(r.ip, r.mac);
    }
    for (const r of this.db.prepare(`SELECT ip, until FROM dhcp_declined`).all() as {
      ip: string;
      until: number;
    }[]) {
      this.declined.set(r.ip, r.until);
    }
  }

  private index(rec: LeaseRecord): void {
    const prev = this.byMac.get(rec.mac);
    if (prev && this.byIp.get(prev.ip) === prev) this.byIp.delete(prev.ip);
    const other = this.byIp.get(rec.ip);
    if (other && other.mac !== rec.mac) this.byMac.delete(other.mac);
    this.byMac.set(rec.mac, rec);
    this.byIp.set(rec.ip, rec);
  }

  private unindex(mac: string): void {
    const prev = this.byMac.get(mac);
    if (!prev) return;
    this.byMac.delete(mac);
    if (this.byIp.get(prev.ip) === prev) this.byIp.delete(prev.ip);
  }

  leaseOf(mac: string): LeaseRecord | null {
    return this.byMac.get(mac) ?? null;
  }

  reservationOf(mac: string): string | null {
    return this.reserved.get(mac) ?? null;
  }

  holderOf(ip: string, now: number): string | null {
    if (this.excluded.has(ip)) return 'station';
    const r = this.reservedIps.get(ip);
    if (r) return r;
    const until = this.declined.get(ip);
    if (until !== undefined && until > now) return 'declined';
    const lease = this.byIp.get(ip);
    return lease && lease.expiresAt > now ? lease.mac : null;
  }

  nextFree(now: number): string | null {
    const size = poolSize(this.pool);
    for (let i = 0; i < size; i++) {
      const n = this.pool.first + ((this.cursor + i) % size);
      const ip = intToIp(n);
      if (this.holderOf(ip, now) === null) {
        this.cursor = (n - this.pool.first + 1) % size;
        return ip;
      }
    }
    return null;
  }

  /** Applies what the protocol logic decided; bound leases and declines are persisted. */
  apply(effects: LeaseEffect[], now: number): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'offer': {
          // An offer must not demote a bound lease the client still holds on that address.
          const cur = this.byMac.get(e.mac);
          if (cur && cur.state === 'bound' && cur.ip === e.ip && cur.expiresAt > e.expiresAt) break;
          this.index({ mac: e.mac, ip: e.ip, state: 'offered', expiresAt: e.expiresAt });
          break;
        }
        case 'bind':
          this.index({ mac: e.mac, ip: e.ip, state: 'bound', expiresAt: e.expiresAt });
          this.pending.delete(e.mac); // keep write order: latest change last
          this.pending.set(e.mac, {
            mac: e.mac,
            ip: e.ip,
            state: 'bound',
            expiresAt: e.expiresAt,
            hostname: e.hostname ?? null,
            at: now,
          });
          this.schedule();
          break;
        case 'release': {
          const cur = this.byMac.get(e.mac);
          if (!cur || (e.onlyOffer && cur.state !== 'offered')) break;
          this.unindex(e.mac);
          if (cur.state === 'bound') {
            this.pending.delete(e.mac);
            this.pending.set(e.mac, null);
            this.schedule();
          }
          break;
        }
        case 'decline':
          this.declined.set(e.ip, e.until);
          this.stmt.decline.run(e.ip, e.until);
          break;
      }
    }
  }

  reserve(r: Reservation, now: number): void {
    const prevIp = this.reserved.get(r.mac);
    if (prevIp) this.reservedIps.delete(prevIp);
    this.reserved.set(r.mac, r.ip);
    this.reservedIps.set(r.ip, r.mac);
    this.stmt.reserve.run(r.mac, r.ip, r.hostname, now);
  }

  unreserve(mac: string): void {
    const ip = this.reserved.get(mac);
    if (ip) this.reservedIps.delete(ip);
    this.reserved.delete(mac);
    this.stmt.unreserve.run(mac);
  }

  /** Bound, unexpired leases, for the UI and tests. */
  leases(now: number): LeaseRecord[] {
    return [...this.byMac.values()]
      .filter((l) => l.state === 'bound' && l.expiresAt > now)
      .sort((a, b) => ipToInt(a.ip) - ipToInt(b.ip));
  }
}
