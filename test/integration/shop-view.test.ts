import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary } from '../../main/api/contract.js';
import { createLogger } from '../../main/log/logger.js';
import type { ShopMachine, ShopSnapshot } from '../../main/shop/view/contract.js';
import { startShopServer, type ShopServer } from '../../main/shop/view/server.js';
import { requireOrSkip } from '../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import type { TestStation } from '../helpers/station.js';
import { ACME_STEPS, startAcmeStation } from '../helpers/fixtures.js';
import { until, watchShopEvents } from './shop-view-helpers.js';

const skip = requireOrSkip(postgresUnavailable());

/** A PC on a station's bench: network boot (its batch assigns it), the agent's plan and steps. */
async function prepare(st: TestStation, mac: string, steps: number) {
  const script = await (await fetch(`${st.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
  const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)?.[1];
  if (!token) throw new Error(`no token in the boot script of ${mac}:\n${script}`);
  const agent = (path: string, body?: unknown) =>
    fetch(`${st.benchUrl}/agent/v1/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const plan = (await (await agent('plan')).json()) as { value: { machineId: string } };
  let seq = 0;
  const report = async (...reports: Record<string, unknown>[]) => {
    const r = await agent('reports', { reports: reports.map((x) => ({ seq: ++seq, ...x })) });
    if (!r.ok) throw new Error(`reports: ${r.status} ${await r.text()}`);
  };
  for (const stepId of ACME_STEPS.slice(0, steps)) {
    await report(
      { type: 'step-started', stepId, attempt: 1 },
      { type: 'step-succeeded', stepId, attempt: 1, exitCode: 0 },
    );
  }
  return { id: plan.value.machineId, report };
}

const get = async (st: { uiUrl: string; token: string }, p: string) => {
  const r = await fetch(st.uiUrl + p, { headers: { authorization: `Bearer ${st.token}` } });
  if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
  return r;
};

/**
 * Issue 20, the shop view: two real stations ship to one throw-away PostgreSQL (loopback);
 * station A also shows the shop view (--shop-view) and `prepstation shop serve` reads the
 * same database. Both stations' machines appear with their station, a report on B reaches
 * A's shop view live, and a report across stations holds both (CSV station column, JSON
 * station per machine, PDF).
 */
describe.skipIf(skip !== null)(
  `shop view over two real stations${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 180_000 },
  () => {
    let db: TestPostgres;
    let a: TestStation;
    let b: TestStation;
    let shop: ShopServer;
    let shopDir: string;
    const ids: Record<string, string> = {};
    let bMachine: Awaited<ReturnType<typeof prepare>>;

    beforeAll(async () => {
      db = await startPostgres();
      a = await startAcmeStation([
        '--database',
        db.url,
        '--station-name',
        'Bench A',
        '--shop-view',
      ]);
      b = await startAcmeStation(['--database', db.url, '--station-name', 'Bench B']);
      for (const [st, mac] of [
        [a, '52:54:00:20:0a:01'],
        [b, '52:54:00:20:0b:01'],
      ] as const) {
        const r = await st.api('/api/v1/batches', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ profile: 'acme', macs: [mac], name: 'November' }),
        });
        expect(r.status).toBeLessThan(300);
        const batch = (await r.json()) as BatchSummary | { value: BatchSummary };
        expect(batch).toBeTruthy();
      }
      const ma = await prepare(a, '52:54:00:20:0a:01', ACME_STEPS.length);
      bMachine = await prepare(b, '52:54:00:20:0b:01', 2);
      ids.a = ma.id;
      ids.b = bMachine.id;
      shopDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-shop-serve-'));
      shop = await startShopServer({
        database: db.url,
        uiHost: '127.0.0.1',
        uiPort: 0,
        dataDir: shopDir,
        logLevel: 'warn',
        logger: createLogger({ level: 'warn', stdout: false }),
      });
    });
    afterAll(async () => {
      await shop?.stop();
      await a?.stop();
      await b?.stop();
      await db?.stop();
      if (shopDir) fs.rmSync(shopDir, { recursive: true, force: true });
    });

    it("shows both stations' machines with their station, on a station and headless", async () => {
      const snapshot = async (st: { uiUrl: string; token: string }) =>
        (await (await get(st, '/api/v1/shop')).json()) as ShopSnapshot;
      const both = (s: ShopSnapshot) =>
        s.machines.length === 2 &&
        s.machines.find((m) => m.machineId === ids.a)?.state === 'done' &&
        s;
      const onA = await until('both machines on A', async () => both(await snapshot(a)));
      const row = (s: ShopSnapshot, id: string) => s.machines.find((m) => m.machineId === id)!;
      expect(row(onA, ids.a!)).toMatchObject({ stationName: 'Bench A', state: 'done' });
      expect(row(onA, ids.b!)).toMatchObject({ stationName: 'Bench B', state: 'provisioning' });
      expect(row(onA, ids.b!).summary.stepsDone).toBe(2);
      expect(onA.stations.map((s) => [s.name, s.online, s.backlog])).toEqual([
        ['Bench A', true, 0],
        ['Bench B', true, 0],
      ]);
      expect(onA.status.mode).toBe('station');
      const headless = await until('both machines on shop serve', async () =>
        both(await snapshot({ uiUrl: shop.url, token: shop.token })),
      );
      expect(headless.status.mode).toBe('shop-only');
      expect(headless.machines.map((m) => m.stationName).sort()).toEqual(['Bench A', 'Bench B']);
      // A station without --shop-view has no shop view (its own shipping status stays).
      expect((await b.api('/api/v1/shop')).status).toBe(404);
      // The shop routes are on the one contract: in the OpenAPI document with their schemas.
      const doc = (await (await get(a, '/api/v1/openapi.json')).json()) as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
      };
      for (const p of ['/api/v1/shop', '/api/v1/shop/reports']) {
        expect(doc.paths[p]?.get, p).toBeTruthy();
        expect(doc.paths[p]!.get!['x-no-contract'], p).toBeUndefined();
      }
    });

    it("a report on station B reaches station A's shop view live", async () => {
      const watch = watchShopEvents(a.uiUrl, a.token);
      await new Promise((r) => setTimeout(r, 300));
      await bMachine.report({ type: 'step-started', stepId: ACME_STEPS[2], attempt: 1 });
      const m = await until<ShopMachine>('B on A stream', () =>
        watch.events
          .flatMap((e) => e.machines)
          .find((x) => x.machineId === ids.b && x.summary.stepId === ACME_STEPS[2]),
      );
      expect(m.stationName).toBe('Bench B');
      await watch.stop();
    });

    it('reports across stations: JSON, CSV with the station column, PDF', async () => {
      const json = (await (await get(a, '/api/v1/shop/reports?format=json')).json()) as {
        kind: string;
        machines: { id: string; station: { name: string }; status: string }[];
      };
      expect(json.kind).toBe('batch');
      expect(json.machines.map((m) => [m.station.name, m.id]).sort()).toEqual(
        [
          ['Bench A', ids.a],
          ['Bench B', ids.b],
        ].sort(),
      );
      expect(json.machines.find((m) => m.id === ids.a)?.status).toBe('done');
      const ajv = new Ajv2020({ allErrors: true, strict: true });
      addFormats.default(ajv);
      const validate = ajv.compile(
        JSON.parse(fs.readFileSync('docs/report.schema.json', 'utf8')) as object,
      );
      expect(validate(json), JSON.stringify(validate.errors, null, 2)).toBe(true);

      const csvRes = await get(
        { uiUrl: shop.url, token: shop.token },
        '/api/v1/shop/reports?format=csv',
      );
      expect(csvRes.headers.get('content-disposition')).toMatch(/prep-report-shop-/);
      const rows = parse(Buffer.from(await csvRes.arrayBuffer()), {
        bom: true,
        columns: true,
      }) as Record<string, string>[];
      expect(Object.keys(rows[0]!)[0]).toBe('station');
      expect([...new Set(rows.map((r) => `${r.station} ${r.machine_id}`))].sort()).toEqual(
        [`Bench A ${ids.a}`, `Bench B ${ids.b}`].sort(),
      );
      // A's machine ran every step: one CSV line per step, each naming its station.
      expect(rows.filter((r) => r.station === 'Bench A').map((r) => r.step_id)).toEqual(ACME_STEPS);

      const onlyB = (await (
        await get(a, '/api/v1/shop/reports?format=json&station=Bench%20B')
      ).json()) as { machines: { id: string }[] };
      expect(onlyB.machines.map((m) => m.id)).toEqual([ids.b]);

      const pdf = Buffer.from(
        await (await get(a, '/api/v1/shop/reports?format=pdf')).arrayBuffer(),
      );
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

      const stations = (
        (await (
          await get({ uiUrl: shop.url, token: shop.token }, '/api/v1/shop')
        ).json()) as ShopSnapshot
      ).stations;
      const benchB = stations.find((st) => st.name === 'Bench B')!.id;
      const one = await get(
        { uiUrl: shop.url, token: shop.token },
        `/api/v1/shop/reports/stations/${benchB}/machines/${ids.b}?format=json`,
      );
      expect(((await one.json()) as { machines: { id: string }[] }).machines[0]!.id).toBe(ids.b);
      const bad = await fetch(`${shop.url}/api/v1/shop/reports?format=xml`, {
        headers: { authorization: `Bearer ${shop.token}` },
      });
      expect(bad.status).toBe(400);
    });
  },
);
