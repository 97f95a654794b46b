import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger.js';
import { createPool, migratePg, type Pool } from '../../main/shop/pg.js';
import { registerStation, type StationRow } from '../../main/shop/ship-chunk.js';
import { startShopServer, type ShopServer } from '../../main/shop/view/server.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { requireOrSkip } from '../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startTestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { shipOne, summary } from '../integration/shop-view-helpers.js';

const skip = browserUnavailable() ?? requireOrSkip(postgresUnavailable());

/**
 * Issue 20: the shop page of `prepstation shop serve` in a real browser: only the shop in
 * the nav, every machine with its station column, per-station backlog and "offline since",
 * a change shipped by a station appears without a reload, and the report links.
 */
describe.skipIf(skip !== null)(
  `shop page${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let db: TestPostgres;
    let pool: Pool;
    let server: ShopServer;
    let dataDir: string;
    let browser: Browser;
    let page: Page;
    const a: StationRow = { id: 'st-a', name: 'Bench A', bench: null, version: 't' };
    const b: StationRow = { id: 'st-b', name: 'Bench B', bench: null, version: 't' };

    beforeAll(async () => {
      db = await startPostgres();
      pool = createPool(db.url);
      await migratePg(pool);
      for (const st of [a, b]) {
        const c = await pool.connect();
        await registerStation(c, st, 0);
        c.release();
      }
      await shipOne(pool, a, 1, summary('m-a1', '52:54:00:00:0a:01', 'discovered', null));
      await shipOne(pool, b, 1, summary('m-b1', '52:54:00:00:0b:01', 'booting', null));
      // Bench B has not been heard of for a while, and holds events the shop lacks.
      await pool.query(
        `UPDATE shop_stations SET last_seen = now() - interval '10 minutes', backlog = 42 WHERE id = 'st-b'`,
      );
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-shop-e2e-'));
      server = await startShopServer({
        database: db.url,
        uiHost: '127.0.0.1',
        uiPort: 0,
        dataDir,
        logLevel: 'warn',
        logger: createLogger({ level: 'warn', stdout: false }),
        tickMs: 500,
      });
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      page = await context.newPage();
      await page.goto(`${server.url}/?token=${server.token}`);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await pool?.end();
      await db?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('shows every station and machine with its station, live', async () => {
      await page.getByTestId('shop-page').waitFor();
      // shop serve has no station pages: only the shop (and its services) in the nav.
      await expect.poll(() => page.getByTestId('nav-shop').count()).toBe(1);
      expect(await page.getByTestId('nav-bench').count()).toBe(0);

      const rows = page.getByTestId('shop-machine-row');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await page.getByTestId('shop-machine-station').allTextContents()).toEqual([
        'Bench A',
        'Bench B',
      ]);
      const benchB = page.getByTestId('shop-station-Bench B');
      await expect
        .poll(() => benchB.getByTestId('shop-station-online').textContent())
        .toMatch(/^Offline since /);
      expect(await benchB.getByTestId('shop-station-backlog').textContent()).toBe(
        '42 events waiting',
      );
      expect(
        await page
          .getByTestId('shop-station-Bench A')
          .getByTestId('shop-station-online')
          .textContent(),
      ).toBe('Online');

      // Bench A ships a change: the row follows without a reload.
      await shipOne(
        pool,
        a,
        2,
        summary('m-a1', '52:54:00:00:0a:01', 'provisioning', 'Installing Mozilla Firefox'),
      );
      const rowA = page.locator('[data-testid="shop-machine-row"][data-machine="m-a1"]');
      await expect
        .poll(() => rowA.getByTestId('machine-state').textContent(), { timeout: 20_000 })
        .toMatch(/provisioning|Provisioning|agent/i);
      // A new machine on Bench B appears too.
      await shipOne(pool, b, 2, summary('m-b2', '52:54:00:00:0b:02', 'discovered', null));
      await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(3);

      // One station's machines and its report links.
      await benchB.getByRole('button').click();
      await expect.poll(() => rows.count()).toBe(2);
      const href = await page.getByTestId('shop-report-csv').getAttribute('href');
      expect(href).toBe('/api/v1/shop/reports?format=csv&station=st-b');
      await page.screenshot({ path: artifactPath('shop-view.png') });
    });

    it("adds the Shop page to a station's own nav with --shop-view", async () => {
      const st = await startTestStation([
        '--database',
        db.url,
        '--station-name',
        'Bench C',
        '--shop-view',
      ]);
      try {
        const p = await openStation(browser, st, '#/shop');
        await p.getByTestId('shop-page').waitFor();
        expect(await p.getByTestId('nav-bench').count()).toBe(1);
        expect(await p.getByTestId('nav-shop').count()).toBe(1);
        // Bench C ships too (its station row), beside the other two benches' machines.
        await expect
          .poll(() => p.getByTestId('shop-stations').locator('li').count(), { timeout: 30_000 })
          .toBe(3);
        await expect.poll(() => p.getByTestId('shop-machine-row').count()).toBe(3);
        await p.close();
      } finally {
        await st.stop();
      }
    });
  },
);
