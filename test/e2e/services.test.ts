import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { ServicesScreen } from './pages/services-screen.js';
import { pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
// Browser tests on a shared 2-core machine: generous per-test time, never a speed assertion.

/**
 * The Services screen against a real station. Only DHCP mode "off" is ever saved here:
 * a DHCP server runs only inside network namespaces (the DHCP tests), never from a
 * browser test on this machine's interfaces. Proxy on loopback is asked for only to see
 * the station refuse it.
 */
describe.skipIf(skip !== null)(
  `services screen${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let services: ServicesScreen;

    beforeAll(async () => {
      st = await startTestStation(['--dhcp-port', '0', '--proxy-port', '0']);
      browser = await launchChromium();
      page = await openStation(browser, st, '#/services');
      services = new ServicesScreen(page);
      await page.getByTestId('services-page').waitFor();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('lists the interfaces, refuses a bad choice with the reason, saves a good one', async () => {
      await page.getByTestId('network-form').waitFor();
      expect(await page.getByTestId('iface-lo').textContent()).toContain('127.0.0.1');
      await services.chooseAddress('lo', '127.0.0.1');
      await services.chooseMode('full');
      await page.getByTestId('dhcp-range').fill('10.0.0.50-');
      expect(await page.getByTestId('network-problem').textContent()).toMatch(/FIRST-LAST/);
      expect(await page.getByTestId('network-save').isDisabled()).toBe(true);

      await services.chooseMode('proxy');
      await services.save();
      await expect.poll(() => services.saveError().textContent()).toMatch(/loopback/i);

      await services.chooseMode('off');
      await services.save();
      await expect.poll(() => services.saved().textContent()).toMatch(/Saved/);
      const saved = (await (await st.api('/api/v1/settings/network')).json()) as {
        benchInterface: string;
        dhcpMode: string;
      };
      expect(saved).toMatchObject({ benchInterface: 'lo', dhcpMode: 'off' });
      // A bench network is chosen: the Bench no longer opens on the first-run setup.
      await page.getByTestId('nav-bench').click();
      await page.getByTestId('bench-page').waitFor();
      expect(await page.getByTestId('first-run').count()).toBe(0);
      await page.getByTestId('nav-services').click();
    });

    it('sets the Secure Boot policy; the secure-boot service says what is missing and how to fix it', async () => {
      await page.getByTestId('network-form').waitFor();
      expect(await page.getByTestId('http-boot-note').textContent()).toMatch(/must use PXE/);
      await services.chooseAddress('lo', '127.0.0.1');
      await services.chooseMode('off');
      await services.chooseSecureBoot('signed');
      await services.save();
      await expect.poll(() => services.saved().textContent()).toMatch(/Saved/);
      const saved = (await (await st.api('/api/v1/settings/network')).json()) as {
        secureBoot: string;
      };
      expect(saved.secureBoot).toBe('signed');
      // No signed files in this station's boot folder: every UEFI PC would fail to boot.
      await expect
        .poll(() => services.row('secure-boot').textContent(), { timeout: 15_000 })
        .toMatch(/Failed.*fetch-signed-boot/);
      await services.chooseSecureBoot('auto');
      await services.save();
      await expect.poll(() => services.saved().textContent()).toMatch(/Saved/);
      // Under auto iPXE still boots the others: no longer a failure (the next test counts them).
      await expect
        .poll(() => services.row('secure-boot').textContent(), { timeout: 15_000 })
        .not.toMatch(/Failed/);
    });

    it('warns when the DHCP service reports another DHCP server on the bench', async () => {
      // Detecting a rogue server needs namespaces (the DHCP tests do that); here the page
      // is shown the state the DHCP service publishes when it finds one.
      st.station.ctx.services.set('dhcp', {
        label: 'DHCP / proxyDHCP',
        state: 'failed',
        error: 'another DHCP server answers on the bench network: 10.9.8.1 offered 10.9.8.77',
        fix: 'Use proxy mode, or unplug the other DHCP server from the bench switch.',
      });
      await expect
        .poll(() => services.otherDhcpWarning().textContent(), { timeout: 5000 })
        .toMatch(/10\.9\.8\.1/);
      expect(await services.row('dhcp').textContent()).toMatch(/Failed.*unplug/);
      expect(await page.getByTestId('nav-services-failed').textContent()).toBe('1');
    });

    it('shows boot requests live in the boot log and filters them by MAC', async () => {
      expect(await page.getByTestId('boot-log-empty').textContent()).toMatch(/network boot/);
      await pxeBoot(st, '52:54:00:08:01:01');
      await pxeBoot(st, '52:54:00:08:01:02');
      await pxeBoot(st, '52:54:00:08:01:02');
      await expect.poll(() => services.bootLogLines().count(), { timeout: 5000 }).toBe(3);
      await services.filterBootLog('5254000801:02');
      await expect.poll(() => services.bootLogLines().count()).toBe(2);
      expect(await services.bootLogLines().first().textContent()).toMatch(
        /HTTP.*52:54:00:08:01:02/,
      );
      // The page scrolls inside the shell: a tall window shows all of it in one picture.
      await page.setViewportSize({ width: 1440, height: 2000 });
      await page.screenshot({ path: artifactPath('services-page.png') });
    });
  },
);
