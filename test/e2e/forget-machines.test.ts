import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../main/api/contract.js';
import { browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';
import { pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
const MACS = ['52:54:00:13:e0:01', '52:54:00:13:e0:02', '52:54:00:13:e0:03'];

/** Issue 13 item 9: the technician forgets discovered machines from the bench, after asking. */
describe.skipIf(skip !== null)(
  `forgetting machines${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let bench: BenchScreen;

    beforeAll(async () => {
      st = await startTestStation();
      for (const mac of MACS) await pxeBoot(st, mac);
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench');
      bench = new BenchScreen(page);
      await bench.skipSetup();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('forgets the selected machines; the others stay', async () => {
      await expect.poll(() => bench.rows().count()).toBe(3);
      const list = (await (await st.api('/api/v1/machines')).json()) as MachineSummary[];
      const [a, b] = list.filter((m) => m.macs[0] !== MACS[2]);
      await bench.select(a!.id);
      await bench.select(b!.id);
      await page.getByTestId('selection-forget').click();
      await page.getByTestId('confirm-ok').click();
      await expect.poll(() => bench.rows().count()).toBe(1);
      const after = (await (await st.api('/api/v1/machines')).json()) as MachineSummary[];
      expect(after.map((m) => m.macs[0])).toEqual([MACS[2]]);
    });
  },
);
