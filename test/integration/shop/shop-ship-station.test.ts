import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../../main/api/contract.js';
import { createPool, type Pool } from '../../../main/shop/pg.js';
import type { ShopShipStatus } from '../../../main/shop/types.js';
import { requireOrSkip } from '../../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';

/** The shop part inside a real station (loopback): off without --database, shipping with it. */

async function until(what: string, fn: () => Promise<unknown>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stations: TestStation[] = [];
afterEach(async () => {
  for (const s of stations.splice(0)) await s.stop();
});

async function json<T>(s: TestStation, p: string, init?: RequestInit): Promise<T> {
  const r = await s.api(p, init);
  expect(r.status, `${p}: ${r.status}`).toBeLessThan(300);
  return (await r.json()) as T;
}

const addMachine = (s: TestStation, mac: string) =>
  json(s, '/api/v1/machines', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mac, profile: 'school-lab' }),
  });

describe('shop part without --database', () => {
  it('changes nothing: no service row, no queue, but a stable station id', async () => {
    const s = await startTestStation();
    stations.push(s);
    const st = await json<ShopShipStatus>(s, '/api/v1/shop/status');
    expect(st).toMatchObject({ enabled: false, connected: false, backlog: 0, database: null });
    expect(st.stationId).toMatch(/^[0-9a-f-]{36}$/);
    await addMachine(s, '52:54:00:aa:00:01');
    const services = await json<ServiceStatus[]>(s, '/api/v1/services');
    expect(services.map((x) => x.name)).not.toContain('shop');
    expect((await json<ShopShipStatus>(s, '/api/v1/shop/status')).backlog).toBe(0);
    const again = await json<ShopShipStatus>(s, '/api/v1/shop/status');
    expect(again.stationId).toBe(st.stationId);
  });
});

const skip = requireOrSkip(postgresUnavailable());

describe.skipIf(skip)('shop part with --database', () => {
  let srv: TestPostgres;
  let pool: Pool;
  beforeAll(async () => {
    srv = await startPostgres();
    pool = createPool(srv.localUrl);
  });
  afterAll(async () => {
    await pool?.end();
    await srv?.stop();
  });

  it('ships what the station records, shows it in its status and on the Services page', async () => {
    const s = await startTestStation(['--database', srv.url, '--station-name', 'Bench T']);
    stations.push(s);
    await addMachine(s, '52:54:00:aa:00:02');
    let st: ShopShipStatus | null = null;
    await until('shipped', async () => {
      st = await json<ShopShipStatus>(s, '/api/v1/shop/status');
      return st.connected && st.backlog === 0 && (st.lastShippedSeq ?? 0) > 0;
    });
    expect(st).toMatchObject({ enabled: true, stationName: 'Bench T', lastError: null });
    expect(st!.database).toContain(':***@');
    expect(JSON.stringify(st)).not.toContain(srv.password);
    const m = await pool.query<{ name: string; mac: string; state: string }>(
      'SELECT m.mac, m.state, s.name FROM shop_machines m JOIN shop_stations s ON s.id = m.station_id WHERE s.id = $1',
      [st!.stationId],
    );
    expect(m.rows).toEqual([{ mac: '52:54:00:aa:00:02', state: 'assigned', name: 'Bench T' }]);
    const services = await json<ServiceStatus[]>(s, '/api/v1/services');
    expect(services.find((x) => x.name === 'shop')).toMatchObject({ state: 'running' });
  });

  it('a station whose database is away still records, and says why and what waits', async () => {
    const away = `postgres://${srv.user}:${srv.password}@127.0.0.1:1/${srv.database}`;
    const s = await startTestStation(['--database', away]);
    stations.push(s);
    await addMachine(s, '52:54:00:aa:00:03');
    let st: ShopShipStatus | null = null;
    await until('the failure', async () => {
      st = await json<ShopShipStatus>(s, '/api/v1/shop/status');
      return st.lastError && st.backlog > 0;
    });
    expect(st!.lastError).toMatch(/refuses connections/);
    expect(JSON.stringify(st)).not.toContain(srv.password);
    const shop = (await json<ServiceStatus[]>(s, '/api/v1/services')).find(
      (x) => x.name === 'shop',
    );
    expect(shop).toMatchObject({ state: 'failed' });
    expect(shop!.fix).toMatch(/keeps deploying; \d+ machine events wait/);
    expect(JSON.stringify(shop)).not.toContain(srv.password);
  });
});
