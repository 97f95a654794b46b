import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { machineByMac, pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();

describe.skipIf(skip !== null)(`Reports page${skip ? ` (skipped: ${skip})` : ''}`, () => {
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

  it('lists a machine that booted, with PDF, CSV and JSON exports that download', async () => {
    const mac = '52:54:00:aa:bb:01';
    await pxeBoot(st, mac);
    const m = await machineByMac(st, mac);
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${st.uiUrl}/?token=${st.token}#/reports`);
    await page.getByTestId('reports-page').waitFor();
    await page.getByTestId(`report-machine-${m.id}`).waitFor();
    await page.getByTestId('report-paper').selectOption('letter');

    const href = await page.getByTestId(`report-machine-${m.id}-pdf`).getAttribute('href');
    expect(href).toContain('paper=letter');
    const pdf = await page.request.get(`${st.uiUrl}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toMatch(/application\/pdf/);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

    const download = page.waitForEvent('download');
    await page.getByTestId(`report-machine-${m.id}-csv`).click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/\.csv$/);
    await page.screenshot({ path: artifactPath('reports.png'), fullPage: true });
    await context.close();
  });
});
