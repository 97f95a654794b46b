import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate, type SimulateSummary } from '../../main/simulate/run.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import {
  importPackage,
  putSecret,
  simulatedProfile,
  simulateOptions,
  writeProfile,
} from '../helpers/fixtures.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';

const skip = browserUnavailable();
// Browser tests on a shared 2-core machine: generous per-test time, never a speed assertion.
const MACHINES = 8;

const profile = simulatedProfile({
  id: 'sim-office',
  name: 'Simulated office PCs',
  customer: { name: 'Simulated customer', code: 'SIM' },
  username: 'tech',
  secret: 'sim-admin',
  apps: [
    {
      id: 'office',
      name: 'Office suite',
      source: { package: 'office' },
      installer: 'deb',
      retries: 2,
    },
    {
      id: 'browser',
      name: 'Browser',
      source: { system: 'firefox-esr' },
      installer: 'system',
      retries: 1,
    },
  ],
  motd: 'Prepared by PrepStation\n',
});

/**
 * The bench as `prepstation simulate` drives it: PCs power on, boot the real iPXE script,
 * fetch their answer file and run their plan through the agent API, with failed first
 * attempts and reboots. The technician only creates a batch in the browser and watches.
 */
describe.skipIf(skip !== null)(
  `bench with the simulator${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      st = await startTestStation();
      writeProfile(path.join(st.dataDir, 'profiles'), profile);
      await putSecret(st, 'sim-admin', 'bench-Pa55word');
      await importPackage(st, {
        id: 'office',
        fileName: 'office.deb',
        body: Buffer.alloc(50_000, 1),
      });
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench');
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('a batch fills as simulated PCs boot, rows progress live, and all end done', async () => {
      const bench = new BenchScreen(page);
      await bench.skipSetup();
      await expect.poll(() => page.getByTestId('batch-profile').isVisible()).toBe(true);
      await bench.createBatch(MACHINES, 'sim-office');
      await expect.poll(() => bench.batchFilled().textContent()).toBe(`0 of ${MACHINES}`);

      const run: Promise<SimulateSummary> = simulate(
        simulateOptions({
          benchUrl: st.station.ctx.benchUrl,
          machines: MACHINES,
          speed: 400,
          failRate: 0.4,
          rebootRate: 0.3,
          seed: 8,
          rampSeconds: 600,
        }),
      );

      await expect
        .poll(() => bench.batchFilled().textContent(), { timeout: 20_000 })
        .toBe(`${MACHINES} of ${MACHINES}`);
      // Mid-run: some row is working on its plan, "k of n: ..." with a progress bar.
      await expect
        .poll(async () => (await page.getByTestId('machine-step').allTextContents()).join('|'), {
          timeout: 20_000,
        })
        .toMatch(/\d of \d: /);
      await page.screenshot({ path: artifactPath('bench-simulated-running.png') });

      const summary = await run;
      expect(summary.results.done).toBe(MACHINES);
      await expect
        .poll(() => page.getByTestId('count-done').textContent(), { timeout: 10_000 })
        .toBe(`Done ${MACHINES}`);
      expect(await bench.rows().count()).toBe(MACHINES);
      for (const s of await page.getByTestId('machine-step').allTextContents()) {
        expect(s).toBe('All 6 steps done');
      }
      await page.screenshot({ path: artifactPath('bench-simulated-done.png') });
    });
  },
);
