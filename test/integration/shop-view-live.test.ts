import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger.js';
import { createPool, migratePg, type Pool } from '../../main/shop/pg.js';
import { registerStation, type StationRow } from '../../main/shop/ship-chunk.js';
import type { ShopSnapshot } from '../../main/shop/view/contract.js';
import { startShopServer, type ShopServer } from '../../main/shop/view/server.js';
import { requireOrSkip } from '../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { shipOne, summary, until, watchShopEvents } from './shop-view-helpers.js';

const skip = requireOrSkip(postgresUnavailable());

/**
 * The shop view over a real PostgreSQL, fed by the shipper's own chunk statements: a
 * chunk's NOTIFY becomes a `shop` event with the station's name on the UI stream; the view
 * survives losing its LISTEN connection and says to reload after.
 */
describe.skipIf(skip !== null)(
  `shop view live feed${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let db: TestPostgres;
    let pool: Pool;
    let server: ShopServer;
    let dataDir: string;
    const a: StationRow = {
      id: 'st-a',
      name: 'Bench A',
      bench: 'http://10.0.0.1:8080',
      version: 't',
    };
    const b: StationRow = { id: 'st-b', name: 'Bench B', bench: null, version: 't' };

    const ship = (st: StationRow, seq: number, _id: string, view: ReturnType<typeof summary>) =>
      shipOne(pool, st, seq, view);

    beforeAll(async () => {
      db = await startPostgres();
      pool = createPool(db.url);
      await migratePg(pool);
      for (const st of [a, b]) {
        const c = await pool.connect();
        await registerStation(c, st, 0);
        c.release();
      }
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-shop-view-'));
      server = await startShopServer({
        database: db.url,
        uiHost: '127.0.0.1',
        uiPort: 0,
        dataDir,
        logLevel: 'warn',
        logger: createLogger({ level: 'warn', stdout: false }),
        tickMs: 200,
      });
    });
    afterAll(async () => {
      await server?.stop();
      await pool?.end();
      await db?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('pushes what a shipped chunk changed, with the station, and serves the snapshot', async () => {
      await until('the view to connect', () => server.view.live.status().connected);
      const watch = watchShopEvents(server.url, server.token);
      await new Promise((r) => setTimeout(r, 300));
      await ship(a, 1, 'm-a1', summary('m-a1', '52:54:00:00:0a:01', 'discovered', null));
      await ship(
        b,
        1,
        'm-b1',
        summary('m-b1', '52:54:00:00:0b:01', 'booting', 'Booting the installer'),
      );
      const seen = (id: string) =>
        watch.events.flatMap((e) => e.machines).find((m) => m.machineId === id);
      const ma = await until('m-a1 on the stream', () => seen('m-a1'));
      const mb = await until('m-b1 on the stream', () => seen('m-b1'));
      expect(ma).toMatchObject({ stationId: 'st-a', stationName: 'Bench A', state: 'discovered' });
      expect(mb).toMatchObject({ stationName: 'Bench B', state: 'booting' });
      expect(mb.summary.step).toBe('Booting the installer');

      const res = await fetch(`${server.url}/api/v1/shop`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      expect(res.status).toBe(200);
      const snap = (await res.json()) as ShopSnapshot;
      expect(snap.status).toMatchObject({ mode: 'shop-only', connected: true });
      expect(snap.status.database).not.toContain(db.password);
      expect(snap.stations.map((s) => [s.name, s.online])).toEqual([
        ['Bench A', true],
        ['Bench B', true],
      ]);
      expect(snap.machines.map((m) => `${m.stationName}/${m.machineId}`).sort()).toEqual([
        'Bench A/m-a1',
        'Bench B/m-b1',
      ]);
      // The token gate covers the shop routes like every other.
      expect((await fetch(`${server.url}/api/v1/shop`)).status).toBe(401);
      await watch.stop();
    });

    it('says when the database is lost, reconnects, reloads, and goes on', async () => {
      const watch = watchShopEvents(server.url, server.token);
      await new Promise((r) => setTimeout(r, 300));
      // Every connection of the view ends, as when PostgreSQL restarts.
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name LIKE 'prepstation shop view%'`,
      );
      await admin.end();
      await until('the loss on the stream', () =>
        watch.events.find((e) => !e.status.connected && e.status.error),
      );
      await until('a reload after reconnecting', () =>
        watch.events.find((e) => e.reload && e.status.connected),
      );
      await ship(
        a,
        2,
        'm-a1',
        summary('m-a1', '52:54:00:00:0a:01', 'provisioning', 'Install Firefox'),
      );
      const m = await until('the change after the reconnect', () =>
        watch.events.flatMap((e) => e.machines).find((x) => x.state === 'provisioning'),
      );
      expect(m.stationName).toBe('Bench A');
      await watch.stop();
    });

    it('shows a silent station as offline since its last word', async () => {
      const watch = watchShopEvents(server.url, server.token);
      await new Promise((r) => setTimeout(r, 300));
      await pool.query(
        `UPDATE shop_stations SET last_seen = now() - interval '5 minutes' WHERE id = 'st-b'`,
      );
      const st = await until('station B offline on the stream', () =>
        watch.events.flatMap((e) => e.stations).find((s) => s.id === 'st-b' && !s.online),
      );
      expect(new Date(st.lastSeen!).getTime()).toBeLessThan(Date.now() - 4 * 60_000);
      await watch.stop();
    });

    it('reports across stations from the shipped events, the station on every machine', async () => {
      const get = (p: string) =>
        fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${server.token}` } });
      const json = (await (await get('/api/v1/shop/reports?format=json')).json()) as {
        machines: { id: string; station: { name: string } }[];
      };
      expect(json.machines.map((m) => `${m.station.name}/${m.id}`).sort()).toEqual([
        'Bench A/m-a1',
        'Bench B/m-b1',
      ]);
      const csv = (await (await get('/api/v1/shop/reports?format=csv&station=st-b')).text())
        .replace(/^\uFEFF/, '')
        .split('\r\n');
      expect(csv[0]!.startsWith('station,batch_id,')).toBe(true);
      expect(csv.slice(1).filter(Boolean)).toHaveLength(1);
      expect(csv[1]!.startsWith('Bench B,')).toBe(true);
      const missing = await get('/api/v1/shop/reports/stations/st-a/machines/nope?format=json');
      expect(missing.status).toBe(404);
    });
  },
);
