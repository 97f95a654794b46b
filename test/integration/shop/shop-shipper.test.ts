import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../../main/api/contract.js';
import { openDatabase, type Db } from '../../../main/db/open.js';
import { Outbox, stationIdentity } from '../../../main/shop/outbox.js';
import { createPool, migratePg, type Pool } from '../../../main/shop/pg.js';
import { Shipper } from '../../../main/shop/shipper.js';
import { SHOP_EVENTS_CHANNEL, type ShopNotifyPayload } from '../../../main/shop/types.js';
import { requireOrSkip } from '../../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres.js';

const skip = requireOrSkip(postgresUnavailable());

async function until<T>(f: () => T | Promise<T>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A station database with `n` events spread over `machines` machines, as the registry writes them. */
function seedStation(db: Db, machines: number, n: number, from = 0): void {
  const at = new Date('2026-12-03T10:00:00Z').getTime();
  const insM = db.prepare('INSERT OR IGNORE INTO machines (id, created_at) VALUES (?, ?)');
  const insE = db.prepare(
    'INSERT INTO machine_events (machine_id, at, deployment, kind, seq, data) VALUES (?, ?, 1, ?, NULL, ?)',
  );
  db.transaction(() => {
    for (let i = from; i < from + n; i++) {
      const id = `m${i % machines}`;
      insM.run(id, new Date(at).toISOString());
      const kind = i < machines ? 'discovered' : 'heard';
      insE.run(id, new Date(at + i * 1000).toISOString(), kind, JSON.stringify({ kind, n: i }));
    }
  })();
}

function summaryOf(id: string, state: MachineSummary['state'] = 'installing-os'): MachineSummary {
  return {
    id,
    name: `PC-${id}`,
    macs: [`52:54:00:00:00:${id.slice(1).padStart(2, '0')}`],
    uuid: null,
    serial: null,
    vendor: null,
    model: null,
    ip: null,
    state,
    stalledIn: null,
    profile: 'acme',
    profileVersion: null,
    customer: null,
    batch: 'b1',
    deployment: 1,
    step: 'Installing',
    stepId: null,
    stepsDone: 1,
    stepsTotal: 4,
    progress: 25,
    startedAt: null,
    updatedAt: '2026-12-03T10:00:00Z',
    lastSeenAt: null,
    failure: null,
    bootHint: null,
  } as MachineSummary;
}

describe.skipIf(skip)('shop shipper: SQLite outbox to PostgreSQL', () => {
  let srv: TestPostgres;
  let pool: Pool;
  const cleanup: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    srv = await startPostgres();
    pool = createPool(srv.localUrl);
    await migratePg(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await srv?.stop();
  });
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  function station(opts: { chunkSize?: number } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-ship-'));
    const db = openDatabase(path.join(dir, 'prepstation.db'));
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _e, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    );
    const views = new Map<string, MachineSummary | null>();
    const id = stationIdentity(db, new Date(), `bench-${path.basename(dir)}`);
    const make = () =>
      new Shipper({
        db,
        url: srv.url,
        station: { id: id.id, name: id.name, version: 'test', bench: () => null },
        machineSummary: (m) => (views.has(m) ? views.get(m)! : summaryOf(m)),
        logger,
        now: () => new Date(),
        chunkSize: opts.chunkSize ?? 7,
        idlePollMs: 20,
        maxBackoffMs: 200,
      });
    cleanup.push(() => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    return { db, id, lines, views, make };
  }

  async function shipped(stationId: string) {
    const r = await pool.query<{
      seq: string;
      machine_id: string;
      kind: string;
      data: { n: number };
    }>('SELECT seq, machine_id, kind, data FROM shop_events WHERE station_id = $1 ORDER BY seq', [
      stationId,
    ]);
    return r.rows.map((x) => ({ seq: Number(x.seq), machine: x.machine_id, n: x.data.n }));
  }

  function localEvents(db: Db) {
    return (
      db.prepare('SELECT id, machine_id, data FROM machine_events ORDER BY id').all() as {
        id: number;
        machine_id: string;
        data: string;
      }[]
    ).map((r) => ({
      seq: r.id,
      machine: r.machine_id,
      n: (JSON.parse(r.data) as { n: number }).n,
    }));
  }

  it('ships the history and new events in order, in bounded chunks, and empties the outbox', async () => {
    const s = station();
    seedStation(s.db, 5, 30); // history before shipping was turned on
    const listener = await pool.connect();
    const notes: ShopNotifyPayload[] = [];
    listener.on('notification', (m) => notes.push(JSON.parse(m.payload!) as ShopNotifyPayload));
    await listener.query(`LISTEN ${SHOP_EVENTS_CHANNEL}`);
    cleanup.push(() => listener.release());
    const shipper = s.make();
    cleanup.push(() => shipper.stop());
    shipper.start();
    seedStation(s.db, 5, 20, 30); // written while shipping: the trigger queues them
    await until(async () => (await shipped(s.id.id)).length === 50, '50 events shipped');
    expect(await shipped(s.id.id)).toEqual(localEvents(s.db));
    await until(() => shipper.status().backlog === 0, 'empty outbox');
    expect(new Outbox(s.db).backlog()).toBe(0);
    // Bounded chunks, each announced once it committed, contiguous and in order.
    await until(() => notes.at(-1)?.toSeq === 50, 'the last NOTIFY');
    const mine = notes.filter((n) => n.station === s.id.id);
    expect(Math.max(...mine.map((n) => n.toSeq - n.fromSeq + 1))).toBeLessThanOrEqual(7);
    mine.forEach((n, i) => expect(n.fromSeq).toBe(i === 0 ? 1 : mine[i - 1]!.toSeq + 1));
    const st = await pool.query('SELECT last_seq, backlog, name FROM shop_stations WHERE id = $1', [
      s.id.id,
    ]);
    expect(st.rows[0]).toMatchObject({ last_seq: '50', backlog: '0', name: s.id.name });
    expect(shipper.status()).toMatchObject({
      connected: true,
      lastShippedSeq: 50,
      lastError: null,
    });
  });

  it('keeps the projection to the station view of each machine, and drops forgotten machines', async () => {
    const s = station();
    seedStation(s.db, 3, 9);
    s.views.set('m2', null); // forgotten on the station
    const shipper = s.make();
    cleanup.push(() => shipper.stop());
    shipper.start();
    await until(() => shipper.status().lastShippedSeq === 9, 'shipped');
    const rows = await pool.query<{
      machine_id: string;
      state: string;
      mac: string;
      updated_seq: string;
      summary: MachineSummary;
    }>(
      'SELECT machine_id, state, mac, updated_seq, summary FROM shop_machines WHERE station_id = $1 ORDER BY machine_id',
      [s.id.id],
    );
    expect(rows.rows.map((r) => [r.machine_id, r.state, r.mac, Number(r.updated_seq)])).toEqual([
      ['m0', 'installing-os', '52:54:00:00:00:00', 7],
      ['m1', 'installing-os', '52:54:00:00:00:01', 8],
    ]);
    expect(rows.rows[0]!.summary.profile).toBe('acme');
    // The station's view changes: the next event about m0 carries it to the shop.
    s.views.set('m0', summaryOf('m0', 'done'));
    seedStation(s.db, 3, 1, 9); // event 10 is about m0
    await until(() => shipper.status().lastShippedSeq === 10, 'shipped 10');
    const m0 = await pool.query(
      'SELECT state, updated_seq FROM shop_machines WHERE station_id = $1 AND machine_id = $2',
      [s.id.id, 'm0'],
    );
    expect(m0.rows[0]).toMatchObject({ state: 'done', updated_seq: '10' });
    // Forgotten on the station (no event is written for that): gone from the shop's projection.
    s.views.set('m1', null);
    s.db
      .prepare(
        "INSERT INTO forgotten_machines (machine_id, at) VALUES ('m1', '2026-12-03T11:00:00Z')",
      )
      .run();
    await until(async () => {
      const r = await pool.query(
        'SELECT machine_id FROM shop_machines WHERE station_id = $1 ORDER BY machine_id',
        [s.id.id],
      );
      return r.rows.map((x: { machine_id: string }) => x.machine_id).join() === 'm0';
    }, 'm1 dropped from the projection');
  });

  it('absorbs a resend: a chunk committed but not deleted from the outbox (a crash) is not stored twice', async () => {
    const s = station();
    seedStation(s.db, 4, 12);
    const first = s.make();
    first.start();
    await until(() => first.status().lastShippedSeq === 12, 'shipped');
    await first.stop();
    // As if the station died between COMMIT and deleting the chunk: the rows are back.
    s.db
      .prepare('INSERT INTO shop_outbox (event_id) SELECT id FROM machine_events WHERE id > 5')
      .run();
    expect(new Outbox(s.db).backlog()).toBe(7);
    const again = s.make();
    cleanup.push(() => again.stop());
    again.start();
    await until(() => again.status().backlog === 0, 'resend drained');
    expect(await shipped(s.id.id)).toEqual(localEvents(s.db));
    expect(s.lines.join('')).toMatch(/sent again .* absorbed/);
  });

  it('detects a gap, says so loudly, and repairs it from the station event log', async () => {
    const s = station();
    seedStation(s.db, 4, 10);
    const first = s.make();
    first.start();
    await until(() => first.status().lastShippedSeq === 10, 'shipped');
    await first.stop();
    // The shop database is put back from an older backup: it lost seqs 7..10.
    await pool.query('DELETE FROM shop_events WHERE station_id = $1 AND seq > 6', [s.id.id]);
    await pool.query('UPDATE shop_stations SET last_seq = 6 WHERE id = $1', [s.id.id]);
    seedStation(s.db, 4, 5, 10); // 11..15 in the outbox: the next chunk starts at 11
    const again = s.make();
    cleanup.push(() => again.stop());
    again.start();
    await until(() => again.status().lastShippedSeq === 15, 'caught up');
    expect(await shipped(s.id.id)).toEqual(localEvents(s.db));
    expect(again.status().gap).toMatchObject({ fromSeq: 7, toSeq: 10, repaired: true });
    expect(s.lines.join('')).toMatch(/"level":50.*lacks this station's events 7\.\.10/);
    const st = await pool.query('SELECT gap_from, gap_to FROM shop_stations WHERE id = $1', [
      s.id.id,
    ]);
    expect(st.rows[0]).toEqual({ gap_from: '7', gap_to: '10' });
  });

  it('stops loudly when the database holds a different event under one of its seqs (two stations, one id)', async () => {
    const s = station();
    seedStation(s.db, 2, 4);
    const first = s.make();
    first.start();
    await until(() => first.status().lastShippedSeq === 4, 'shipped');
    await first.stop();
    await pool.query("UPDATE shop_events SET kind = 'impostor' WHERE station_id = $1 AND seq = 3", [
      s.id.id,
    ]);
    s.db.prepare('INSERT INTO shop_outbox (event_id) VALUES (3), (4)').run();
    const again = s.make();
    cleanup.push(() => again.stop());
    again.start();
    await until(() => again.status().lastError, 'an error');
    expect(again.status().lastError).toMatch(
      /different event under this station's seq 3.*same station id/,
    );
    expect(new Outbox(s.db).backlog()).toBe(2); // nothing deleted, nothing papered over
  });

  it('keeps the bench writing while the database is away, then catches up in order', async () => {
    const s = station();
    const away = `postgres://${srv.user}:${srv.password}@127.0.0.1:1/${srv.database}`;
    const shipperAway = new Shipper({
      db: s.db,
      url: away,
      station: { id: s.id.id, name: s.id.name, version: 'test', bench: () => null },
      machineSummary: (m) => summaryOf(m),
      logger: pino({ level: 'silent' }),
      now: () => new Date(),
      idlePollMs: 20,
      maxBackoffMs: 100,
    });
    shipperAway.start();
    seedStation(s.db, 3, 25);
    await until(() => shipperAway.status().lastError, 'the refusal');
    const st = shipperAway.status();
    expect(st).toMatchObject({ connected: false, backlog: 25 });
    expect(st.lastError).toMatch(/refuses connections/);
    expect(st.lastError).not.toContain(srv.password);
    expect(st.database).not.toContain(srv.password);
    await shipperAway.stop();
    const back = s.make();
    cleanup.push(() => back.stop());
    back.start();
    await until(() => back.status().backlog === 0, 'caught up');
    expect(await shipped(s.id.id)).toEqual(localEvents(s.db));
  });
});
