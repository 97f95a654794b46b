import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { ServicesScreen } from './pages/services-screen.js';
import { pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
const EARLY = '52:54:00:18:09:01';
const BUSY = '52:54:00:18:09:02';

/**
 * Issue 18, item 9: the boot log reaches back before the page was opened. A filter
 * searches what the station kept, page by page.
 */
describe.skipIf(skip !== null)(
  `boot log history${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      st = await startTestStation();
      // Seen before anyone opened the dashboard.
      await pxeBoot(st, EARLY);
      for (let i = 0; i < 210; i++) await pxeBoot(st, BUSY);
      browser = await launchChromium();
      page = await openStation(browser, st, '#/services');
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('finds a MAC seen before the page opened, however it is typed', async () => {
      const services = await new ServicesScreen(page).open();
      await services.filterBootLog('5254.0018.0901');
      const lines = page.getByTestId('boot-log-line');
      await expect.poll(() => lines.count()).toBeGreaterThan(0);
      expect(await lines.first().textContent()).toMatch(/52:54:00:18:09:01/);
      expect(await page.getByTestId('boot-log-source').textContent()).toMatch(/kept boot log/);
      await page.screenshot({ path: artifactPath('boot-log-history.png') });
    });

    it('pages back through a busy MAC', async () => {
      const services = new ServicesScreen(page);
      await services.filterBootLog(BUSY);
      const lines = page.getByTestId('boot-log-line');
      await expect.poll(() => lines.count()).toBe(200);
      await page.getByTestId('boot-log-older').click();
      await expect.poll(() => lines.count()).toBeGreaterThanOrEqual(210);
      const text = (await page.getByTestId('boot-log').textContent())!;
      expect(text).not.toMatch(/52:54:00:18:09:01/);
    });
  },
);
