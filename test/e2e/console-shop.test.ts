import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopSettings } from '../../main/api/contract.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { writeProfile } from '../helpers/fixtures.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';
import { machineByMac, pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
const MAC = '52:54:00:18:07:01';
// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Issue 18, item 7: the shop's identity is set on a screen (the API existed), and the
 * technician chosen once in this browser is the author of what is done from it.
 */
describe.skipIf(skip !== null)(
  `shop settings and technician${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      st = await startTestStation();
      writeProfile(path.join(st.dataDir, 'profiles'));
      await pxeBoot(st, MAC);
      browser = await launchChromium();
      page = await openStation(browser, st, '#/settings');
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('asks once who works here, and keeps the answer in this browser', async () => {
      await page.getByTestId('technician-name').fill('Jörg Meier');
      await page.getByTestId('technician-save').click();
      expect(await page.getByTestId('technician-badge').textContent()).toBe('Jörg Meier');
      await page.reload();
      await page.getByTestId('technician-badge').waitFor();
      expect(await page.getByTestId('technician-prompt').count()).toBe(0);
    });

    it('saves the shop details with a logo', async () => {
      await page.getByTestId('shop-name').fill('Bench & Byte IT-Service');
      await page.getByTestId('shop-address').fill('Hauptstraße 5\n80331 München');
      await page.getByTestId('shop-technician').fill('Ana Silva');
      await page.getByTestId('shop-paper').selectOption('letter');
      await page.getByTestId('shop-timezone').selectOption('Europe/Berlin');
      await page
        .getByTestId('shop-logo')
        .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
      await page.getByTestId('shop-logo-preview').waitFor();
      await page.getByTestId('shop-save').click();
      await expect.poll(() => page.getByTestId('shop-message').textContent()).toMatch(/Saved/);
      await page.screenshot({ path: artifactPath('settings-shop.png'), fullPage: true });
      const shop = (await (await st.api('/api/v1/settings/shop')).json()) as ShopSettings;
      expect(shop).toMatchObject({
        name: 'Bench & Byte IT-Service',
        address: 'Hauptstraße 5\n80331 München',
        technician: 'Ana Silva',
        paper: 'letter',
        timeZone: 'Europe/Berlin',
      });
      expect(shop.logo).toMatch(/^data:image\/png;base64,/);
    });

    it('names the technician as the author of an assignment and on the report link', async () => {
      const m = await machineByMac(st, MAC);
      const bench = await new BenchScreen(page).open();
      await bench.skipSetup();
      await bench.select(m.id);
      await page.getByTestId('selection-profile').fill('acme');
      await page.getByTestId('selection-assign').click();
      await page.getByTestId('confirm-ok').click();
      await expect.poll(async () => (await machineByMac(st, MAC)).state).toBe('assigned');
      const log = (await (await st.api(`/api/v1/machines/${m.id}/log`)).json()) as {
        kind: string;
        data: { technician?: string };
      }[];
      expect(log.find((e) => e.kind === 'assigned')?.data.technician).toBe('Jörg Meier');
      await bench.openMachine(m.id);
      await expect
        .poll(() => page.getByTestId('timeline').textContent())
        .toMatch(/Assigned to .* by Jörg Meier/);
      await page.getByTestId('nav-reports').click();
      expect(await page.getByTestId('report-technician').inputValue()).toBe('Jörg Meier');
    });
  },
);
