import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log/logger.js';
import { describePgError, maskDatabaseUrl, type Pool, type PoolClient } from '../pg.js';
import { SHOP_EVENTS_CHANNEL, type ShopNotifyPayload } from '../types.js';
import type { ShopEvent, ShopMachine, ShopStation, ShopStatus } from './contract.js';
import type { ShopReadModel } from './read-model.js';

export interface ShopLiveOptions {
  pool: Pool;
  model: ShopReadModel;
  bus: EventBus;
  logger: Logger;
  /** The database URL: only ever shown masked. */
  url: string;
  mode: ShopStatus['mode'];
  now?: () => Date;
  /** How often stations are re-read for what no NOTIFY says: a station falling silent. */
  tickMs?: number;
  /** NOTIFYs arriving within this window are read with one query per station. */
  coalesceMs?: number;
  /** Run before the first LISTEN until it succeeds once (the schema migrations). */
  prepare?: () => Promise<void>;
  /** Told each time the view gains or loses the database (the Services page). */
  onStatus?: (s: ShopStatus) => void;
}

/**
 * The shop view, live: one connection LISTENs on the shipper's channel; each NOTIFY
 * ("station S, seqs A..B landed") becomes a `shop` event on the station's one event
 * stream, carrying the machines and stations it changed. A tick re-reads the stations, as
 * "offline since" is the absence of a NOTIFY. When the database goes away the status says
 * so (and since when) and the view reconnects with backoff; once back it pushes
 * `reload: true`, because NOTIFYs sent while it was away are lost (PostgreSQL does not
 * queue them for a listener that is gone).
 */
export class ShopLive {
  private client: PoolClient | null = null;
  private stopped = false;
  private connected = false;
  private lostAt: Date | null = null;
  private error: string | null = null;
  private retryMs = MIN_RETRY_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Seq ranges announced per station and not yet read. */
  private pending = new Map<string, { from: number; to: number }>();
  /** Machines stations said they forgot, not yet checked and pushed. */
  private forgotten = new Map<string, string[]>();
  private flushing: Promise<void> = Promise.resolve();
  /** The stations as last pushed, to push only what changed on a tick. */
  private known = new Map<string, string>();
  private readonly now: () => Date;
  private prepared = false;

  constructor(private readonly o: ShopLiveOptions) {
    this.now = o.now ?? (() => new Date());
  }

  status(): ShopStatus {
    return {
      mode: this.o.mode,
      connected: this.connected,
      lostAt: this.lostAt?.toISOString() ?? null,
      error: this.error,
      database: maskDatabaseUrl(this.o.url),
    };
  }

  async start(): Promise<void> {
    await this.connect();
    this.tickTimer = setInterval(() => this.queue(() => this.tick()), this.o.tickMs ?? 5_000);
    this.tickTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.retryTimer, this.flushTimer]) if (t) clearTimeout(t);
    if (this.tickTimer) clearInterval(this.tickTimer);
    await this.flushing;
    const c = this.client;
    this.client = null;
    if (c) {
      await c.query(`UNLISTEN ${SHOP_EVENTS_CHANNEL}`).catch(() => undefined);
      c.release();
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let client: PoolClient | null = null;
    try {
      if (!this.prepared && this.o.prepare) await this.o.prepare();
      this.prepared = true;
      client = await this.o.pool.connect();
      client.on('notification', (msg) => {
        if (msg.channel === SHOP_EVENTS_CHANNEL) this.notified(msg.payload);
      });
      client.on('error', (err) => this.lost(err));
      await client.query(`LISTEN ${SHOP_EVENTS_CHANNEL}`);
    } catch (err) {
      client?.release(true);
      this.lost(err);
      return;
    }
    this.client = client;
    const wasAway = this.lostAt !== null || this.error !== null;
    this.connected = true;
    this.lostAt = null;
    this.error = null;
    this.retryMs = MIN_RETRY_MS;
    if (wasAway) this.o.logger.info('shop view: the shop database answers again');
    this.o.onStatus?.(this.status());
    // Whatever landed while nobody listened is in the tables, not in a NOTIFY: reload.
    this.queue(() => this.tick(true));
  }

  /** The LISTEN connection died or never came: say so, then try again with backoff. */
  private lost(err: unknown): void {
    if (this.stopped) return;
    const c = this.client;
    this.client = null;
    c?.release(true);
    const message = describePgError(err, this.o.url);
    const first = this.connected || this.error === null;
    this.connected = false;
    this.lostAt ??= this.now();
    this.error = message;
    if (first) {
      this.o.logger.warn({ error: message }, 'shop view: lost the shop database; retrying');
      this.o.onStatus?.(this.status());
      this.publish([], [], false);
    }
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private notified(payload: string | undefined): void {
    let p: ShopNotifyPayload;
    try {
      p = JSON.parse(payload ?? '') as ShopNotifyPayload;
    } catch {
      this.o.logger.warn({ payload: payload?.slice(0, 200) }, 'shop view: unreadable NOTIFY');
      return;
    }
    if (typeof p.station !== 'string') return;
    // Machines the station forgot are dropped outside any chunk: the payload names them.
    const forgotten = (p as { forgotten?: unknown }).forgotten;
    if (Array.isArray(forgotten)) {
      const ids = forgotten.filter((x): x is string => typeof x === 'string');
      this.forgotten.set(p.station, [...(this.forgotten.get(p.station) ?? []), ...ids]);
    }
    if (!Number.isFinite(p.fromSeq) || !Number.isFinite(p.toSeq) || p.toSeq < p.fromSeq) {
      if (Array.isArray(forgotten)) this.scheduleFlush();
      return;
    }
    const range = this.pending.get(p.station);
    if (range) {
      range.from = Math.min(range.from, p.fromSeq);
      range.to = Math.max(range.to, p.toSeq);
    } else this.pending.set(p.station, { from: p.fromSeq, to: p.toSeq });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      this.queue(() => this.flush());
    }, this.o.coalesceMs ?? 20);
  }

  /** One read at a time, in order: a flush never overtakes the one before it. */
  private queue(job: () => Promise<void>): void {
    this.flushing = this.flushing.then(job).catch((err: unknown) => {
      this.o.logger.warn({ error: describePgError(err, this.o.url) }, 'shop view: a read failed');
    });
  }

  private async flush(): Promise<void> {
    const ranges = [...this.pending];
    const forgotten = [...this.forgotten];
    this.pending = new Map();
    this.forgotten = new Map();
    if ((ranges.length === 0 && forgotten.length === 0) || this.stopped) return;
    const machines: ShopMachine[] = [];
    const removed: ShopEvent['removed'] = [];
    // The stations and each station's range in parallel: the pool has connections to spare.
    const [all, ...changed] = await Promise.all([
      this.o.model.stations(),
      ...ranges.map(([station, r]) => this.o.model.machinesChanged(station, r.from, r.to)),
    ]);
    changed.forEach((c, i) => {
      machines.push(...c.machines);
      for (const machineId of c.removed) removed.push({ stationId: ranges[i]![0], machineId });
    });
    for (const [stationId, ids] of forgotten) {
      const still = await this.o.model.present(stationId, ids);
      for (const machineId of ids)
        if (!still.has(machineId)) removed.push({ stationId, machineId });
    }
    const stations = this.changedStations(all, new Set(ranges.map((r) => r[0])));
    this.publish(stations, machines, false, removed);
  }

  /** Stations whose row changed since last pushed (online, backlog, gap...), or all on reload. */
  private async tick(reload = false): Promise<void> {
    const client = this.client;
    if (this.stopped || !client) return;
    // A cut cable sends no reset: the LISTEN connection would wait silently for TCP to give
    // up (minutes). A query on it, bounded by the pool's query timeout, finds out now.
    try {
      await client.query('SELECT 1');
    } catch (err) {
      if (this.client === client) this.lost(err);
      return;
    }
    const stations = await this.o.model.stations();
    const changed = reload ? stations : this.changedStations(stations, new Set());
    if (reload) this.known = new Map(stations.map((s) => [s.id, JSON.stringify(s)]));
    if (reload || changed.length > 0) this.publish(changed, [], reload);
  }

  private changedStations(all: ShopStation[], alsoThese: Set<string>): ShopStation[] {
    const out: ShopStation[] = [];
    for (const s of all) {
      const text = JSON.stringify(s);
      if (this.known.get(s.id) !== text || alsoThese.has(s.id)) out.push(s);
      this.known.set(s.id, text);
    }
    return out;
  }

  private publish(
    stations: ShopStation[],
    machines: ShopMachine[],
    reload: boolean,
    removed: ShopEvent['removed'] = [],
  ): void {
    if (this.stopped) return;
    const event: Omit<ShopEvent, 'seq' | 'at'> = {
      type: 'shop',
      status: this.status(),
      stations,
      machines,
      removed,
      reload,
    };
    this.o.bus.publish(event);
  }
}

const MIN_RETRY_MS = 500;
const MAX_RETRY_MS = 5_000;
