import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';

const skip = browserUnavailable();
// Browser tests on a shared 2-core machine: generous per-test time, never a speed assertion.

describe.skipIf(skip !== null)(
  `web UI shell${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;

    beforeAll(async () => {
      st = await startTestStation();
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('asks for the token, refuses a wrong one, then shows the services live', async () => {
      const page = await browser.newPage();
      await page.goto(`${st.uiUrl}/#/services`);
      await page.getByTestId('login-page').waitFor();
      await page.getByTestId('login-token').fill('not-the-token-at-all');
      await page.getByTestId('login-submit').click();
      await expect
        .poll(async () => page.getByTestId('login-error').textContent())
        .toMatch(/not right/);

      await page.getByTestId('login-token').fill(st.token);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('services-page').waitFor();
      await expect
        .poll(() => page.getByTestId('service-row-ui').getAttribute('class'))
        .toBe('row-running');
      expect(await page.getByTestId('service-row-bench-http').textContent()).toMatch(/Running/);
      expect(await page.getByTestId('service-row-dhcp').textContent()).toMatch(/Off/);
      await expect.poll(() => page.getByTestId('stream-state').textContent()).toBe('Live');

      // A change of service state reaches the page through the event stream, without reload.
      st.station.ctx.services.set('bench-http', {
        state: 'failed',
        error: 'tcp 127.0.0.1:8080 is already in use by another program',
        fix: 'Stop the other program, or choose another port with --http-port.',
      });
      await expect
        .poll(() => page.getByTestId('service-row-bench-http').textContent(), { timeout: 5000 })
        .toMatch(/Failed.*already in use.*--http-port/);
      expect(await page.getByTestId('nav-services-failed').textContent()).toBe('1');
      await page.screenshot({ path: artifactPath('services.png'), fullPage: true });

      // The token never shows up in the page.
      expect(await page.content()).not.toContain(st.token);
      await page.close();
    });

    it('opens straight in with the dashboard link (?token=) and drops the token from the URL', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${st.uiUrl}/?token=${st.token}#/services`);
      await page.getByTestId('services-page').waitFor();
      expect(page.url()).not.toContain(st.token);
      for (const nav of ['bench', 'profiles', 'reports', 'settings']) {
        await page.getByTestId(`nav-${nav}`).click();
        expect(page.url()).toContain(`#/${nav}`);
      }
      await context.close();
    });
  },
);
