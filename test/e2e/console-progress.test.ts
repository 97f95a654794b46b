import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEstimates } from '../../main/api/contract.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { addAcme } from '../helpers/fixtures.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';
import { FakeAgent, machineByMac, pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
const A = '52:54:00:18:04:01';
const B = '52:54:00:18:04:02';

/**
 * Issue 18, item 4: while the OS installs the bar moves (the installer's own percentage
 * where reported, else estimated from past runs), and the ETA adds up each remaining step
 * of past runs of the profile instead of "median total minus elapsed".
 */
describe.skipIf(skip !== null)(
  `progress and ETA from past runs${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let bench: BenchScreen;

    beforeAll(async () => {
      st = await startTestStation();
      await addAcme(st);
      // The profile store picks the new file up by watching the folder.
      for (let i = 0; i < 100; i++) {
        const list = (await (await st.api('/api/v1/profiles')).json()) as { id: string }[];
        if (list.some((p) => p.id === 'acme')) break;
        await sleep(100);
      }
      for (const mac of [A, B]) {
        await pxeBoot(st, mac);
        const m = await machineByMac(st, mac);
        await st.api(`/api/v1/machines/${m.id}/assign`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ profile: 'acme' }),
        });
      }
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('learns each phase and step from a finished run', async () => {
      const a = await FakeAgent.boot(st, A);
      await a.answerFile('user-data');
      await sleep(4000); // the OS install of machine A
      const steps = await a.plan();
      for (const s of steps) {
        await a.started(s.id);
        await sleep(s.id === 'app-tool' ? 3000 : 300);
        await a.succeeded(s.id);
      }
      await expect.poll(async () => (await machineByMac(st, A)).state).toBe('done');
      const est = (await (await st.api('/api/v1/estimates')).json()) as RunEstimates;
      const acme = est.profiles.acme!;
      expect(acme.osMs).toBeGreaterThanOrEqual(3500);
      expect(acme.order).toEqual(steps.map((s) => s.id));
      expect(acme.steps['app-tool']).toBeGreaterThanOrEqual(2500);
      expect(est.apps['app-tool']).toBe(acme.steps['app-tool']);
    });

    it('moves the bar during the OS install and counts the steps left for the ETA', async () => {
      page = await openStation(browser, st, '#/bench');
      bench = new BenchScreen(page);
      await bench.skipSetup();
      const m = await machineByMac(st, B);
      const b = await FakeAgent.boot(st, B);
      await b.answerFile('user-data');
      await expect.poll(() => bench.rowState(m.id)).toBe('installing-os');
      const bar = bench.row(m.id).getByRole('progressbar');
      await expect
        .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 10_000 })
        .toBeGreaterThan(0);
      expect(await bench.rowText(m.id, 'step')).toMatch(/Installing the OS · ~\d+%/);
      expect(await bench.rowText(m.id, 'eta')).toMatch(/left|any minute/);
      await page.screenshot({ path: artifactPath('bench-os-progress.png') });

      // app-tool (typically 3 s of the run) has just started: the ETA is at least what is
      // left of it, not "median total minus elapsed" (long past here).
      const steps = await b.plan();
      const at = steps.findIndex((s) => s.id === 'app-tool');
      for (const s of steps.slice(0, at)) {
        await b.started(s.id);
        await b.succeeded(s.id);
      }
      await b.started('app-tool');
      await expect
        .poll(() => bench.rowText(m.id, 'step'))
        .toMatch(new RegExp(`${at + 1} of ${steps.length}`));
      await expect.poll(() => bench.rowText(m.id, 'eta')).toMatch(/^~\d+ s left$/);
      await bench.openMachine(m.id);
      expect(await page.getByTestId('machine-page-eta').textContent()).toMatch(
        /left \(from past runs, step by step\)|any minute/,
      );
    });

    it('shows the Ubuntu installer’s own progress from its reporting webhook', async () => {
      const C = '52:54:00:18:04:03';
      await pxeBoot(st, C);
      const m = await machineByMac(st, C);
      await st.api(`/api/v1/machines/${m.id}/assign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ profile: 'acme' }),
      });
      const script = await pxeBoot(st, C);
      const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)![1]!;
      const c = new FakeAgent(st, token);
      const userData = await c.answerFile('user-data');
      const endpoint = /endpoint: (\S+\/installer-events)/.exec(userData)![1]!;
      await page.goto(`${st.uiUrl}/#/bench`);
      await expect.poll(() => bench.rowState(m.id)).toBe('installing-os');
      // What subiquity posts while curtin copies the system.
      const r = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'subiquity/Install/install/curtin_install/extract',
          event_type: 'finish',
          origin: 'curtin',
          description: 'writing install sources to disk',
          result: 'SUCCESS',
        }),
      });
      expect(r.status).toBe(200);
      await expect.poll(() => bench.rowText(m.id, 'step')).toBe('Installing the OS · 30%');
      expect((await machineByMac(st, C)).osPercent).toBe(30);
      await page.screenshot({ path: artifactPath('bench-os-installer-progress.png') });
    });
  },
);
