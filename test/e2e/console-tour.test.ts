import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../main/simulate/run.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { putSecret, simulatedProfile, simulateOptions, writeProfile } from '../helpers/fixtures.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';

const skip = browserUnavailable();
const MACHINES = 16;

const profile = simulatedProfile({
  id: 'tour',
  name: 'Tour office PCs',
  customer: { name: 'Tour customer', code: 'TOUR' },
  username: 'tech',
  secret: 'tour-admin',
  apps: [
    {
      id: 'browser',
      name: 'Browser',
      source: { system: 'firefox-esr' },
      installer: 'system',
      retries: 2,
    },
    { id: 'editor', name: 'Editor', source: { system: 'vim' }, installer: 'system', retries: 1 },
  ],
  motd: 'Prepared\n',
});

/**
 * The bench as a technician meets it, with the simulator's real final failures
 * (--final-fail-rate): a batch of PCs, some end failed with their reason, the rest done.
 * Screenshots at 1280x720 and 1440x900 for people to look at.
 */
describe.skipIf(skip !== null)(
  `bench tour with final failures${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 180_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      st = await startTestStation();
      writeProfile(path.join(st.dataDir, 'profiles'), profile);
      fs.mkdirSync(path.join(st.dataDir, 'files', 'ubuntu'), { recursive: true });
      await putSecret(st, 'tour-admin', 'Tour-Pa55word');
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench', { width: 1280, height: 720 });
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('runs a batch where some PCs end failed for good, and shows each with its reason', async () => {
      const bench = new BenchScreen(page);
      await bench.skipSetup();
      await page.getByTestId('technician-name').fill('Ana Silva');
      await page.getByTestId('technician-save').click();
      // The profile is ready (secret, medium, no package): no confirmation first.
      expect(await bench.createBatch(MACHINES, 'tour')).toBeNull();
      const summary = await simulate(
        simulateOptions({
          benchUrl: st.station.ctx.benchUrl,
          machines: MACHINES,
          speed: 3000,
          failRate: 0.3,
          finalFailRate: 0.35,
          rebootRate: 0.2,
          seed: 18,
          rampSeconds: 60,
        }),
      );
      expect(summary.results.failed).toBeGreaterThan(0);
      expect(summary.results.done).toBeGreaterThan(0);
      expect(summary.results.failed + summary.results.done).toBe(MACHINES);
      await expect
        .poll(() => page.getByTestId('count-failed').textContent())
        .toBe(`Failed ${summary.results.failed}`);
      const why = await page.getByTestId('machine-why').allTextContents();
      expect(why.length).toBeGreaterThan(0);
      for (const w of why) expect(w).toMatch(/: exit code 1603|1603/);
      const li = page.locator('[data-testid^="batch-b"]').first();
      expect(await li.getByTestId('batch-finished').textContent()).toBe(
        `${summary.results.done} of ${MACHINES}`,
      );
      await page.screenshot({ path: artifactPath('tour-bench-1280x720.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.screenshot({ path: artifactPath('tour-bench-1440x900.png') });

      await page.locator('[data-testid="machine-why"]').first().click();
      await page.screenshot({ path: artifactPath('tour-bench-unfolded-1440x900.png') });
      await page
        .locator('[data-testid^="machine-row-"] [data-testid="machine-name"]')
        .first()
        .click();
      await page.getByTestId('failure-card').waitFor();
      await page.locator('[data-testid^="step-attempt-"]').first().waitFor();
      await page.screenshot({
        path: artifactPath('tour-machine-failed-1440x900.png'),
        fullPage: true,
      });
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.screenshot({ path: artifactPath('tour-machine-failed-1280x720.png') });
      await page.goto(`${st.uiUrl}/#/wall`);
      await page.getByTestId('wall').waitFor();
      await page.screenshot({ path: artifactPath('tour-wall-1280x720.png') });
      // Every screen at both sizes, to be looked at.
      for (const [w, h] of [
        [1280, 720],
        [1440, 900],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        for (const screen of ['profiles', 'secrets', 'services', 'settings', 'reports']) {
          await page.goto(`${st.uiUrl}/#/${screen}`);
          await page.getByTestId(`${screen}-page`).waitFor();
          await page.screenshot({ path: artifactPath(`tour-${screen}-${w}x${h}.png`) });
        }
      }
    });
  },
);
