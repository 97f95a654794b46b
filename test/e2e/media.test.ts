import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireOrSkip } from '../helpers/env.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import {
  buildWindowsMedium,
  windowsMediaToolsMissing,
  type BuiltMedium,
} from '../helpers/windows-media.js';
import { openStation } from './pages/app.js';
import { MediaScreen } from './pages/media-screen.js';

const skip = browserUnavailable() ?? requireOrSkip(...windowsMediaToolsMissing());
// Browser tests on a shared 2-core machine: generous per-test time, never a speed assertion.

/** Importing a Windows ISO from the browser against a real station. */
describe.skipIf(skip !== null)(
  `media screen${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let screen: MediaScreen;
    let medium: BuiltMedium;

    beforeAll(async () => {
      medium = buildWindowsMedium();
      st = await startTestStation();
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench');
      screen = await new MediaScreen(page).open();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
      if (medium) fs.rmSync(medium.work, { recursive: true, force: true });
    });

    it('says wimboot is missing, then imports a picked ISO with progress and lists its editions', async () => {
      expect(await page.getByTestId('media-empty').textContent()).toMatch(/No medium/);
      expect(await page.getByTestId('media-wimboot').textContent()).toMatch(
        /wimboot is missing.*fetch-wimboot/,
      );
      await screen.importIso(medium.iso, 'win11-24h2');
      await screen.row('win11-24h2').waitFor({ timeout: 60_000 });
      await expect
        .poll(() => screen.progressText().textContent())
        .toMatch(/Imported win11-24h2: \d+ KiB of \d+ KiB \(100%\)/);
      const row = await screen.row('win11-24h2').textContent();
      expect(row).toMatch(/CCCOMA_X64FRE_DE-DE_DV9/);
      expect(row).toMatch(/build 26100, installer de-DE, wim/);
      expect(await page.getByTestId('media-editions-win11-24h2').textContent()).toMatch(
        /1: Professional \(Windows 11 Pro, amd64, de-DE\)2: Education \(Windows 11 Education, amd64, de-DE, en-US\)/,
      );
      expect(await page.getByTestId('media-winpe-win11-24h2').textContent()).toBe(
        'curl.exe, prephelp.dll',
      );
      // A 24H2 medium and no wimboot: the warning stays, now naming the need.
      expect(await page.getByTestId('media-wimboot').textContent()).toMatch(/wimboot/);
      await page.screenshot({ path: artifactPath('media-imported.png'), fullPage: true });
      // The Services page has a wimboot row: failed now that a 24H2 medium needs it, with the fix.
      await page.getByTestId('nav-services').click();
      await expect
        .poll(() => page.getByTestId('service-row-wimboot').textContent(), { timeout: 10_000 })
        .toMatch(/Failed.*fetch-wimboot/);
      await screen.open();
      expect(fs.existsSync(`${st.dataDir}/files/media/win11-24h2/media.json`)).toBe(true);
    });

    it('refuses a second import under the same id and a delete while profiles use it', async () => {
      await screen.importIso(medium.iso, 'win11-24h2');
      await expect
        .poll(() => screen.errorText().textContent(), { timeout: 30_000 })
        .toMatch(/already imported; it was left as it is/);
      await screen.delete('win11-24h2');
      await expect
        .poll(() => screen.errorText().textContent())
        .toMatch(/used by profile\(s\) .*windows-11-base/);
      expect(await screen.row('win11-24h2').count()).toBe(1);
    });

    it('imports a dropped ISO, and deletes an unused medium after confirmation', async () => {
      await screen.dropIso(fs.readFileSync(medium.iso), 'Win11_spare.iso', 'spare');
      await screen.row('spare').waitFor({ timeout: 60_000 });
      expect(await screen.row('spare').textContent()).toMatch(/from Win11_spare\.iso/);
      await screen.delete('spare');
      await expect.poll(() => screen.row('spare').count()).toBe(0);
      expect(fs.existsSync(`${st.dataDir}/files/media/spare`)).toBe(false);
    });
  },
);
