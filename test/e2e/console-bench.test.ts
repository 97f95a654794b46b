import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { addAcme } from '../helpers/fixtures.js';
import { openStation } from './pages/app.js';
import { BenchScreen } from './pages/bench-screen.js';
import { MachineScreen } from './pages/machine-screen.js';
import { FakeAgent, machineByMac, pxeBoot } from './support/fake-agent.js';

const skip = browserUnavailable();
const mac = (i: number) => `52:54:00:18:02:${i.toString(16).padStart(2, '0')}`;
const WAITING = 20;

/** Whether each shown row's MAC and state pill are cut (text wider than its box). */
async function cutCells(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="machine-row-"]').evaluateAll((rows) => {
    const out: string[] = [];
    for (const row of rows) {
      for (const id of ['machine-mac', 'machine-state']) {
        const el = row.querySelector(`[data-testid="${id}"]`);
        if (!el) continue;
        if (el.scrollWidth > el.clientWidth + 1) out.push(`${id}: ${el.textContent}`);
        const cell = el.closest('.cell');
        if (cell && el.getBoundingClientRect().right > cell.getBoundingClientRect().right + 1)
          out.push(`${id} overflows its column: ${el.textContent}`);
      }
    }
    return out;
  });
}

/** Rows wholly inside the machine list's visible area. */
async function rowsInView(page: Page): Promise<number> {
  const list = (await page.getByTestId('machine-list').boundingBox())!;
  return page.locator('[data-testid^="machine-row-"]').evaluateAll(
    (rows, box) =>
      rows.filter((r) => {
        const b = r.getBoundingClientRect();
        return b.top >= box.y - 1 && b.bottom <= box.y + box.height + 1 && b.height > 0;
      }).length,
    list,
  );
}

/**
 * Issue 18, items 2, 3, 5 and 6 at 1280x720: a dense bench that fits 15+ machines without
 * cutting MACs or states, selections that never act on hidden rows, an agent's fatal
 * failure shown as the machine's, and step logs grouped by attempt.
 */
describe.skipIf(skip !== null)(
  `bench console at 1280x720${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 120_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let bench: BenchScreen;

    beforeAll(async () => {
      st = await startTestStation();
      await addAcme(st);
      for (let i = 1; i <= WAITING; i++) await pxeBoot(st, mac(i));
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench', { width: 1280, height: 720 });
      bench = new BenchScreen(page);
      await bench.skipSetup();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('shows 15+ machines at 1280x720, MACs and states whole; banner and batches fold away', async () => {
      await expect.poll(() => bench.rows().count()).toBeGreaterThanOrEqual(15);
      // As a first visit shows it: banner, batch panel and the name prompt all there.
      expect(await page.getByTestId('bench-dhcp-off').count()).toBe(1);
      expect(await page.getByTestId('technician-prompt').count()).toBe(1);
      expect(await rowsInView(page)).toBeGreaterThanOrEqual(15);
      await page.screenshot({ path: artifactPath('bench-compact-first-visit-1280x720.png') });
      await page.getByTestId('bench-dhcp-hide').click();
      await page.getByTestId('batches-hide').click();
      await page.getByTestId('batches-show').waitFor();
      expect(await page.getByTestId('bench-dhcp-off').count()).toBe(0);
      expect(await rowsInView(page)).toBeGreaterThanOrEqual(15);
      expect(await cutCells(page)).toEqual([]);
      await page.screenshot({ path: artifactPath('bench-compact-1280x720.png') });
      // Large text: fewer rows, but nothing cut.
      await page.locator('html').evaluate((el) => el.classList.add('large-text'));
      expect(await cutCells(page)).toEqual([]);
      await page.screenshot({ path: artifactPath('bench-compact-large-1280x720.png') });
      await page.locator('html').evaluate((el) => el.classList.remove('large-text'));
      // The choices stay for this browser.
      await page.reload();
      await page.getByTestId('batches-show').waitFor();
      expect(await page.getByTestId('bench-dhcp-off').count()).toBe(0);
    });

    it('acts only on the selected machines the filters show, and says how many are hidden', async () => {
      const ids = await Promise.all(
        [1, 2, 3, 4].map(async (i) => (await machineByMac(st, mac(i))).id),
      );
      for (const id of ids) await bench.select(id);
      expect(await page.getByTestId('selection-count').textContent()).toBe('4 selected');
      await bench.search(mac(1));
      await expect.poll(() => bench.rows().count()).toBe(1);
      expect(await page.getByTestId('selection-count').textContent()).toBe('4 selected (3 hidden)');
      await page.getByTestId('selection-profile').fill('acme');
      await page.getByTestId('selection-assign').click();
      const dialog = page.getByTestId('confirm-dialog');
      expect(await dialog.textContent()).toMatch(/1 shown of 4 selected \(3 hidden\)/);
      expect(await dialog.textContent()).toMatch(/3 selected but hidden .* left alone/);
      await page.screenshot({ path: artifactPath('selection-hidden.png') });
      await page.getByTestId('confirm-ok').click();
      await expect
        .poll(() => bench.selectionMessage().textContent())
        .toBe('Assigned 1 machine to acme.');
      expect((await machineByMac(st, mac(1))).state).toBe('assigned');
      for (const i of [2, 3, 4]) expect((await machineByMac(st, mac(i))).state).toBe('discovered');
      await bench.search('');
      await page.getByTestId('select-all').uncheck();
    });

    it('a fatal agent failure is the machine’s, with its log; the running step is interrupted', async () => {
      const m = await machineByMac(st, mac(1));
      await bench.search(mac(1));
      const agent = await FakeAgent.boot(st, mac(1));
      const steps = await agent.plan();
      await agent.started(steps[0]!.id);
      await agent.fatal('SMART: disk /dev/sda is failing', [
        'smartctl: SMART overall-health self-assessment test result: FAILED!',
        'Reallocated_Sector_Ct 5000',
      ]);
      await expect.poll(() => bench.rowState(m.id)).toBe('failed');
      const row = await bench.row(m.id).textContent();
      expect(row).not.toMatch(/: Failed/);
      expect(row).toMatch(/SMART: disk \/dev\/sda is failing/);
      // The step name is said once on the row.
      await bench.openMachine(m.id);
      const machine = new MachineScreen(page);
      await expect.poll(() => machine.stepStatus(steps[0]!.id)).toBe('interrupted');
      expect(await page.getByTestId('failure-log').textContent()).toMatch(/Reallocated_Sector_Ct/);
      expect(await machine.step(steps[0]!.id).getByTestId('step-duration').textContent()).not.toBe(
        '',
      );
      await page.screenshot({ path: artifactPath('machine-fatal-1280x720.png'), fullPage: true });
      const report = (await (
        await st.api(`/api/v1/reports/machines/${m.id}?format=json`)
      ).json()) as {
        machines: { steps: { id: string; status: string }[]; failures: { log?: string[] }[] }[];
      };
      // The lines the agent sent with its fatal error are in the report too.
      expect(report.machines[0]!.failures.flatMap((f) => f.log ?? []).join('\n')).toMatch(
        /Reallocated_Sector_Ct/,
      );
      const first = report.machines[0]!.steps.find((s) => s.id === steps[0]!.id)!;
      expect(first.status).toBe('interrupted');
      expect(JSON.stringify(report)).not.toMatch(/"result":"running"/);
      await machine.back();
    });

    it('groups a step’s log by attempt, newest first, with the technician’s retry between', async () => {
      const m = await machineByMac(st, mac(5));
      await st.api(`/api/v1/machines/${m.id}/assign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ profile: 'acme' }),
      });
      const agent = await FakeAgent.boot(st, mac(5));
      const steps = await agent.plan();
      const at = steps.findIndex((s) => s.id === 'app-tool');
      for (const s of steps.slice(0, at)) {
        await agent.started(s.id);
        await agent.succeeded(s.id);
      }
      await agent.started('app-tool');
      await agent.log('app-tool', ['first try: running setup']);
      await agent.failed('app-tool', 'installer exited with 1603', ['MSI error 1603'], 1603);
      await bench.search(mac(5));
      await bench.openMachine(m.id);
      const machine = new MachineScreen(page);
      await expect.poll(() => machine.stepStatus('app-tool')).toBe('failed');
      await machine.retryStep('app-tool');
      await agent.started('app-tool', 2);
      await agent.log('app-tool', ['second try: running setup'], 2);
      await agent.succeeded('app-tool', 2);
      await expect.poll(() => machine.stepStatus('app-tool')).toBe('succeeded');
      const log = machine.stepLog('app-tool');
      await expect
        .poll(() => log.textContent())
        .toMatch(/Attempt 2[\s\S]*Retry by[\s\S]*Attempt 1/);
      const text = (await log.textContent())!;
      expect(text.indexOf('second try')).toBeLessThan(text.indexOf('first try'));
      expect(await machine.step('app-tool').textContent()).not.toMatch(/Retry requested/);
      await page.screenshot({ path: artifactPath('step-attempts-1280x720.png'), fullPage: true });
    });

    it('the wall view shows every machine as a tile, the ones needing attention first', async () => {
      await page.goto(`${st.uiUrl}/#/wall`);
      await page.getByTestId('wall').waitFor();
      await expect.poll(() => page.locator('[data-testid^="wall-tile-"]').count()).toBe(WAITING);
      const first = page.locator('[data-testid^="wall-tile-"]').first();
      expect(await first.getAttribute('data-state')).toBe('failed');
      expect(await first.textContent()).toMatch(/SMART/);
      expect(await page.getByTestId('wall-counts').textContent()).toMatch(/1 need attention/);
      expect(await page.getByTestId('nav-bench').count()).toBe(0);
      await page.screenshot({ path: artifactPath('wall-1280x720.png') });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.screenshot({ path: artifactPath('wall-1440x900.png') });
    });
  },
);
