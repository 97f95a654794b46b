import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, launchChromium } from '../helpers/browser.js';
import { cabinet } from '../helpers/cabinet.js';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { DriversScreen } from './pages/drivers-screen.js';

const skip = browserUnavailable() ?? requireOrSkip(commandUnavailable('7zz', '7zip'));

/** The Drivers screen against a real station: a model on the bench without a pack, then one. */
describe.skipIf(skip !== null)(
  `drivers screen${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let screen: DriversScreen;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-drivers-e2e-'));
      st = await startTestStation();
      // A machine that told iPXE its vendor and model (SMBIOS) is on the bench.
      await fetch(
        `${st.benchUrl}/boot/ipxe?mac=52:54:00:00:15:90&manufacturer=${encodeURIComponent('Dell Inc.')}&product=${encodeURIComponent('Latitude 5440')}`,
      );
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench');
      screen = await new DriversScreen(page).open();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('warns about a model without a pack, imports a .cab for it, and the warning goes', async () => {
      await expect
        .poll(() => screen.uncovered().textContent())
        .toMatch(/Dell Inc\. Latitude 5440 \(1\)/);
      const cab = path.join(dir, 'latitude-5440-winpe.cab');
      fs.writeFileSync(
        cab,
        cabinet({ 'vmd/iaStorVD.inf': '[Version]\r\n', 'vmd/iaStorVD.sys': 'MZ' }),
      );
      await screen.importCab(cab, 'Dell Inc.', 'Latitude 5440', true);
      await screen.row('dell-latitude-5440-winpe').waitFor({ timeout: 30_000 });
      expect(await screen.row('dell-latitude-5440-winpe').textContent()).toMatch(
        /WinPE.*2 \(1 \.inf\)/,
      );
      expect(await page.getByTestId('drivers-note').textContent()).toMatch(
        /Imported dell-latitude-5440-winpe/,
      );
      await expect.poll(() => screen.uncovered().count()).toBe(0);
    });
  },
);
