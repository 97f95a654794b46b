/**
 * Ships the station's machine events to the shop PostgreSQL (issue 20): oldest first, in
 * bounded chunks, one transaction per chunk, and deletes a chunk from the outbox only
 * after PostgreSQL committed it. A crash between the two resends the chunk, which the
 * (station_id, seq) key absorbs: nothing lost, nothing twice.
 *
 * The bench never waits for it: events are written to SQLite (and the outbox, by trigger)
 * whatever the database does; this loop only reads them afterwards. When the database is
 * away it retries with backoff while the backlog grows, and catches up in order.
 */
import type { MachineSummary } from '../api/contract.js';
import type { Db } from '../db/open.js';
import type { Logger } from '../log/logger.js';
import { Outbox } from './outbox.js';
import { createPool, describePgError, maskDatabaseUrl, migratePg, type Pool } from './pg.js';
import {
  dropMachines,
  heartbeat,
  recordGap,
  registerStation,
  shipChunk,
  type ChunkOutcome,
  type StationRow,
} from './ship-chunk.js';
import type { ShopShipStatus } from './types.js';

export interface ShipperDeps {
  db: Db;
  url: string;
  station: { id: string; name: string; version: string; bench: () => string | null };
  /** The station's own current view of a machine; null when it was forgotten. */
  machineSummary: (machineId: string) => MachineSummary | null;
  logger: Logger;
  now: () => Date;
  /** Called whenever the status changes (the Services page, the event stream). */
  onStatus?: (s: ShopShipStatus) => void;
  chunkSize?: number;
  idlePollMs?: number;
  heartbeatMs?: number;
  maxBackoffMs?: number;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

export class Shipper {
  private readonly outbox: Outbox;
  private readonly pool: Pool;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private registered = false;
  private halted: string | null = null;
  private lastHeartbeat = 0;
  /** forgotten_machines rowid carried to the shop so far (from 0 at each start: idempotent). */
  private forgottenMark = 0;
  /** Whether onStatus was told of the current healthy state. */
  private announced = false;
  private readonly st: ShopShipStatus;

  constructor(private readonly d: ShipperDeps) {
    this.outbox = new Outbox(d.db);
    this.pool = createPool(d.url, {
      applicationName: `prepstation ${d.station.name}`.slice(0, 63),
      max: 2,
      connectTimeoutMs: d.connectTimeoutMs,
      queryTimeoutMs: d.queryTimeoutMs,
      onIdleError: (message) => d.logger.debug({ error: message }, 'shop database: idle link lost'),
    });
    this.st = {
      enabled: true,
      stationId: d.station.id,
      stationName: d.station.name,
      database: maskDatabaseUrl(d.url),
      connected: false,
      backlog: 0,
      lastShippedSeq: null,
      lastShippedAt: null,
      lastError: null,
      lastErrorAt: null,
      gap: null,
    };
  }

  /** Turns the outbox on (first time: with the whole history) and starts shipping. */
  start(): void {
    if (this.outbox.enable(this.d.now())) {
      this.d.logger.info(
        { backlog: this.outbox.backlog() },
        'shop: shipping turned on; every machine event so far is queued for the shop database',
      );
    }
    this.st.backlog = this.outbox.backlog();
    this.emit();
    this.loop = this.run();
  }

  /**
   * Never waits long: a query on a dead link may take queryTimeoutMs to fail, and the
   * station must stop within its own deadline. A chunk still in flight is simply sent
   * again at the next start (the database absorbs the resend).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const grace = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
    await Promise.race([this.loop, grace(1_000)]);
    await Promise.race([this.pool.end().catch(() => undefined), grace(500)]);
  }

  status(): ShopShipStatus {
    return { ...this.st, backlog: this.outbox.backlog(), gap: this.st.gap && { ...this.st.gap } };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      if (this.halted) return;
      try {
        const shipped = await this.step();
        if (failures > 0) {
          this.d.logger.info(
            { backlog: this.outbox.backlog() },
            'shop: the shop database is reachable again; catching up in order',
          );
        }
        failures = 0;
        if (!shipped) await this.idle(this.d.idlePollMs ?? 200);
      } catch (err) {
        // Stopping: the SQLite handle may be closed already; the next start resends.
        if (this.stopped) return;
        failures++;
        this.disconnected(err, failures);
        const max = this.d.maxBackoffMs ?? 10_000;
        await this.sleep(Math.min(max, 500 * 2 ** Math.min(failures - 1, 10)));
      }
    }
  }

  /** One round: connect if needed, ship one chunk. true when it shipped something. */
  private async step(): Promise<boolean> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client whose socket dies between queries emits 'error'; unheard, that
    // would end the station. The failing query (or the next one) reports it instead.
    const onLinkError = (err: Error) => (broken = err);
    client.on('error', onLinkError);
    try {
      if (!this.registered) {
        await migratePg(this.pool);
        const last = await registerStation(client, this.row(), this.outbox.backlog());
        this.registered = true;
        this.d.logger.info(
          { database: this.st.database, station: this.d.station.id, lastSeq: last },
          'shop: connected to the shop database',
        );
      }
      this.st.connected = true;
      const forgotten = this.outbox.forgottenAfter(this.forgottenMark, 1000);
      if (forgotten.length > 0) {
        const ids = forgotten.map((f) => f.machineId);
        await dropMachines(client, this.d.station.id, ids);
        this.forgottenMark = forgotten.at(-1)!.rowid;
      }
      const events = contiguousHead(this.outbox.chunk(this.d.chunkSize ?? 500));
      if (events.length === 0) {
        const due = Date.now() - this.lastHeartbeat >= (this.d.heartbeatMs ?? 10_000);
        if (due) {
          await heartbeat(client, this.d.station.id, 0);
          this.lastHeartbeat = Date.now();
        }
        this.clearError();
        return false;
      }
      const views = new Map<string, MachineSummary | null>();
      for (const e of events) {
        if (!views.has(e.machineId)) views.set(e.machineId, this.d.machineSummary(e.machineId));
      }
      const backlogAfter = Math.max(0, this.outbox.backlog() - events.length);
      const outcome = await shipChunk(client, this.row(), events, views, backlogAfter);
      if (this.stopped) return false; // committed there, still queued here: resent next start
      await this.settle(client, outcome);
      return outcome.kind === 'shipped';
    } catch (err) {
      broken = err as Error;
      throw err;
    } finally {
      // A client that failed mid-query may sit on a dead link: destroy it, never reuse it.
      client.off('error', onLinkError);
      client.release(broken);
    }
  }

  private async settle(
    client: Parameters<typeof heartbeat>[0],
    outcome: ChunkOutcome,
  ): Promise<void> {
    const now = this.d.now().toISOString();
    switch (outcome.kind) {
      case 'shipped':
        this.outbox.shipped(outcome.toSeq);
        this.st.lastShippedSeq = outcome.toSeq;
        this.st.lastShippedAt = now;
        this.lastHeartbeat = Date.now();
        if (outcome.resent > 0) {
          this.d.logger.info(
            { fromSeq: outcome.fromSeq, toSeq: outcome.toSeq, resent: outcome.resent },
            'shop: events the database already had were sent again (after a restart or a lost reply) and absorbed',
          );
        }
        this.clearError();
        return;
      case 'gap': {
        // Loud, and repaired from the station's own append-only log: never skipped over.
        await recordGap(client, this.d.station.id, outcome.fromSeq, outcome.toSeq);
        const found = this.outbox.refill(outcome.fromSeq, outcome.toSeq);
        const count = outcome.toSeq - outcome.fromSeq + 1;
        const repaired = found === count;
        this.st.gap = { fromSeq: outcome.fromSeq, toSeq: outcome.toSeq, at: now, repaired };
        const message = repaired
          ? `the shop database lacks this station's events ${outcome.fromSeq}..${outcome.toSeq} (restored from an older backup, or the outbox was emptied by hand); they are sent again from the station's event log`
          : `the shop database lacks this station's events ${outcome.fromSeq}..${outcome.toSeq} and only ${found} of ${count} are still in the station's event log; shipping stops so the hole stays visible`;
        this.d.logger.error({ fromSeq: outcome.fromSeq, toSeq: outcome.toSeq, found }, message);
        this.fail(message);
        if (!repaired) this.halted = message;
        return;
      }
      case 'conflict': {
        const message = `the shop database holds a different event under this station's seq ${outcome.seq} (theirs: ${outcome.theirs}; ours: ${outcome.ours}): another station ships with the same station id (a copied data dir?), or this station's database was restored from an older copy. Shipping stops. On a copied station, delete its id (sqlite3 <data-dir>/prepstation.db "DELETE FROM settings WHERE key IN ('station.id','shop.outbox'); DELETE FROM shop_outbox") and restart it.`;
        this.d.logger.error({ seq: outcome.seq }, message);
        this.fail(message);
        this.halted = message;
        return;
      }
    }
  }

  private disconnected(err: unknown, failures: number): void {
    const message = describePgError(err, this.d.url);
    const changed = message !== this.st.lastError;
    this.st.connected = false;
    // Migrations and registration run again on the next connect: the database may be new.
    this.registered = false;
    if (failures === 1 || changed) {
      this.d.logger.warn(
        { backlog: this.outbox.backlog() },
        `shop: ${message}; the station keeps working and ships its backlog when the database is back`,
      );
    }
    this.fail(message);
  }

  private fail(message: string): void {
    this.announced = false;
    this.st.lastError = message;
    this.st.lastErrorAt = this.d.now().toISOString();
    this.emit();
  }

  /** Shipping works: clear the last error (a hole that could not be repaired stays). */
  private clearError(): void {
    if (this.st.gap?.repaired === false) return;
    const changed = this.st.lastError !== null || !this.announced;
    this.st.lastError = null;
    this.st.lastErrorAt = null;
    this.announced = true;
    // Only changes of health: the backlog itself is read live by GET /api/v1/shop/status.
    if (changed) this.emit();
  }

  private emit(): void {
    this.st.backlog = this.outbox.backlog();
    this.d.onStatus?.(this.status());
  }

  private row(): StationRow {
    return {
      id: this.d.station.id,
      name: this.d.station.name,
      bench: this.d.station.bench(),
      version: this.d.station.version,
    };
  }

  /**
   * A machine event was just written (the outbox has it, same transaction): ship it now
   * instead of at the next poll. Wakes only an idle wait, never a backoff after a failure.
   */
  nudge(): void {
    this.idleWake?.();
  }

  private idleWake: (() => void) | null = null;

  private async idle(ms: number): Promise<void> {
    const wait = this.sleep(ms);
    this.idleWake = this.wake;
    try {
      await wait;
    } finally {
      this.idleWake = null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * The chunk up to its first hole. The outbox is contiguous by construction; a hole means
 * rows were removed by hand, and the next chunk then starts past it, where the gap check
 * of the database (first seq != last_seq + 1) reports and repairs it.
 */
function contiguousHead<T extends { seq: number }>(events: T[]): T[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.seq !== events[i - 1]!.seq + 1) return events.slice(0, i);
  }
  return events;
}
