import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { addAcme } from '../helpers/fixtures.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';
import { FakeAgent, machineByMac, pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
const MACS = ['52:54:00:18:10:01', '52:54:00:18:10:02'];

/**
 * Issue 18, item 10 and the "also" list: batches count arrived and finished apart and say
 * which PCs they took; the --bench-address network is preselected; no "no network" banner
 * while PCs boot; the inventory reads as a technician reads it; a station that went away
 * is said plainly and the clocks stop.
 */
describe.skipIf(skip !== null)(
  `bench extras${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let bench: BenchScreen;

    beforeAll(async () => {
      st = await startTestStation(['--bench-address', '127.0.0.1']);
      await addAcme(st);
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench');
      bench = new BenchScreen(page);
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('preselects the --bench-address network in the first-run setup', async () => {
      await page.getByTestId('first-run').waitFor();
      const radio = page.getByTestId('iface-lo-127.0.0.1');
      await expect.poll(() => radio.isChecked()).toBe(true);
      await page.screenshot({ path: artifactPath('first-run-preselected.png'), fullPage: true });
      await bench.skipSetup();
    });

    it('counts arrived and finished apart, names the PCs a batch took', async () => {
      await bench.createBatch(2, 'acme');
      for (const mac of MACS) await pxeBoot(st, mac);
      const li = page.locator('[data-testid^="batch-b"]').first();
      await expect.poll(() => li.getByTestId('batch-filled').textContent()).toBe('2 of 2');
      expect(await li.getByTestId('batch-finished').textContent()).toBe('0 of 2');
      expect(await li.getByTestId('batch-took').textContent()).toMatch(
        /52:54:00:18:10:01.*52:54:00:18:10:02|52:54:00:18:10:02.*52:54:00:18:10:01/,
      );
      // PCs booting show the bench works: no "no bench network" warning over them.
      await expect.poll(() => page.getByTestId('bench-dhcp-off').count()).toBe(0);

      const a = await FakeAgent.boot(st, MACS[0]!);
      const steps = await a.plan();
      await a.inventory({
        cpu: 'Intel Core i5-1235U',
        ramBytes: 17179869184,
        disks: [{ name: 'nvme0n1', model: 'Samsung PM9A1', sizeBytes: 512110190592 }],
      });
      for (const s of steps) {
        await a.started(s.id);
        await a.succeeded(s.id);
      }
      await expect.poll(() => li.getByTestId('batch-finished').textContent()).toBe('1 of 2');
      await page.screenshot({ path: artifactPath('batch-arrived-finished.png') });

      const m = await machineByMac(st, MACS[0]!);
      await bench.openMachine(m.id);
      await expect
        .poll(() => page.getByTestId('inventory-ramBytes').textContent())
        .toBe('16.0 GiB');
      const disks = await page.getByTestId('inventory-disks').textContent();
      expect(disks).toMatch(/nvme0n1.*Samsung PM9A1.*476\.9 GiB/);
      await page.screenshot({ path: artifactPath('machine-inventory.png'), fullPage: true });
      await page.getByTestId('back-to-bench').click();
    });

    it('wakes a machine with a magic packet on the bench network (loopback here)', async () => {
      const m = await machineByMac(st, MACS[1]!);
      await bench.openMachine(m.id);
      await page.getByTestId('action-wake').click();
      await expect
        .poll(() => page.getByTestId('action-message').textContent())
        .toMatch(/Wake-on-LAN sent to 52:54:00:18:10:02 \(127\.255\.255\.255\)/);
      await page.getByTestId('back-to-bench').click();
      await bench.select(m.id);
      await page.getByTestId('selection-wake').click();
      await expect
        .poll(() => bench.selectionMessage().textContent())
        .toBe('Wake-on-LAN sent: 1 machine.');
      await page.getByTestId('select-all').uncheck();
    });

    it('names a terminal tab opened from a machine by the machine, not its internal id', async () => {
      const m = await machineByMac(st, MACS[1]!);
      await page.goto(`${st.uiUrl}/#/bench/machine/${m.id}`);
      await page.getByTestId('action-terminal').click();
      await page.getByTestId('terminal-page').waitFor();
      const tab = page.locator('[data-testid^="terminal-tab-"]').last();
      expect(await tab.textContent()).toContain(MACS[1]!);
      expect(await tab.textContent()).not.toContain(m.id);
      await page.goto(`${st.uiUrl}/#/bench`);
      await page.getByTestId('bench-page').waitFor();
    });

    it('says plainly when the station is down, and the clocks stop', async () => {
      const m = await machineByMac(st, MACS[1]!);
      const elapsed = bench.row(m.id).getByTestId('machine-elapsed');
      await st.station.stop();
      await page.getByTestId('station-down').waitFor({ timeout: 30_000 });
      const before = await elapsed.textContent();
      await sleep(2500);
      expect(await elapsed.textContent()).toBe(before);
      expect(await page.getByTestId('station-down').textContent()).toMatch(/does not answer since/);
      await page.screenshot({ path: artifactPath('station-down.png') });
    });
  },
);
