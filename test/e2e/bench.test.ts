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
// Browser tests on a shared 2-core machine: generous per-test time, never a speed assertion.
const MACS = ['52:54:00:08:00:01', '52:54:00:08:00:02', '52:54:00:08:00:03'];

/**
 * The Bench as a technician watches it: machines boot through the real bench listener and
 * report through the real agent API; the page must follow by the event stream alone.
 */
describe.skipIf(skip !== null)(
  `bench dashboard${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let bench: BenchScreen;

    beforeAll(async () => {
      st = await startTestStation();
      // The answer file needs it: without it the station holds the machines before install.
      await addAcme(st);
      browser = await launchChromium();
      page = await openStation(browser, st, '#/bench');
      bench = new BenchScreen(page);
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('starts with the first-run setup, then an empty bench that says what to do', async () => {
      await page.getByTestId('first-run').waitFor();
      expect(await page.getByTestId('first-run').textContent()).toMatch(/Proxy mode.*Full mode/s);
      await page.screenshot({ path: artifactPath('first-run.png'), fullPage: true });
      await bench.skipSetup();
      expect(await page.getByTestId('bench-empty').textContent()).toMatch(/network boot/);
      expect(await page.getByTestId('bench-dhcp-off').textContent()).toMatch(/Services/);
    });

    it('fills a batch as machines boot, and rows progress live', async () => {
      await bench.createBatch(3, 'acme');
      await expect.poll(() => bench.batchFilled().textContent()).toBe('0 of 3');

      for (const mac of MACS) await pxeBoot(st, mac);
      await expect.poll(() => bench.batchFilled().textContent(), { timeout: 5000 }).toBe('3 of 3');
      await expect.poll(() => bench.rows().count()).toBe(3);

      const m1 = await machineByMac(st, MACS[0]!);
      // The row follows on the stream's next batch: poll, never read once.
      await expect.poll(() => bench.rowState(m1.id), { timeout: 5000 }).toBe('booting');
      await expect.poll(() => bench.rowText(m1.id, 'profile'), { timeout: 5000 }).toBe('acme');

      const a1 = await FakeAgent.boot(st, MACS[0]!);
      const steps = await a1.plan();
      await a1.started(steps[0]!.id);
      await a1.succeeded(steps[0]!.id);
      await a1.started(steps[1]!.id);
      await a1.progress(steps[1]!.id, 40);
      await expect
        .poll(() => bench.rowText(m1.id, 'step'), { timeout: 5000 })
        .toBe(`2 of ${steps.length}: ${steps[1]!.label}`);
      await expect.poll(() => bench.rowState(m1.id), { timeout: 5000 }).toBe('provisioning');
      const bar = bench.row(m1.id).getByRole('progressbar');
      // The 40 % report can arrive a stream batch after the step text: poll it too.
      await expect
        .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 5000 })
        .toBeGreaterThan(20);
      await page.screenshot({ path: artifactPath('bench-progress.png') });
    });

    it('shows a failure with its reason, its log on the machine page, and retry works', async () => {
      const m2 = await machineByMac(st, MACS[1]!);
      const a2 = await FakeAgent.boot(st, MACS[1]!);
      const steps = await a2.plan();
      // app-tool has no retries in the fixture profile: its first failure fails the machine.
      const at = steps.findIndex((s) => s.id === 'app-tool');
      const failing = steps[at]!;
      for (const s of steps.slice(0, at)) {
        await a2.started(s.id);
        await a2.succeeded(s.id);
      }
      await a2.started(failing.id);
      await a2.log(failing.id, ['Downloading installer', 'Running setup /S']);
      await a2.failed(
        failing.id,
        'installer exited with 1603',
        ['MSI error 1603: fatal error'],
        1603,
      );

      await expect.poll(() => bench.rowState(m2.id), { timeout: 5000 }).toBe('failed');
      expect(await bench.rowText(m2.id, 'why')).toMatch(/1603/);
      expect(await page.getByTestId('nav-bench-attention').textContent()).toBe('1');
      // Needs-attention sort puts the failed machine on top.
      expect(await bench.rows().first().getAttribute('data-testid')).toBe(`machine-row-${m2.id}`);
      await page.screenshot({ path: artifactPath('bench-failed.png') });

      await bench.openMachine(m2.id);
      const machine = new MachineScreen(page);
      expect(await machine.stepStatus(failing.id)).toBe('failed');
      expect(await machine.stepLog(failing.id).textContent()).toMatch(/1603/);
      await machine.fullLog(failing.id);
      await expect
        .poll(() => machine.stepLog(failing.id).textContent())
        .toMatch(/Downloading installer[\s\S]*Running setup/);
      expect(await machine.timeline().textContent()).toMatch(/Failed/);
      await page.screenshot({ path: artifactPath('machine-failed.png'), fullPage: true });

      await machine.retryStep(failing.id);
      await expect
        .poll(() => page.getByTestId('machine-state').first().textContent())
        .not.toBe('Failed');
      // The agent picks the retry up and this time it works.
      await a2.started(failing.id, 2);
      await a2.succeeded(failing.id, 2);
      await expect.poll(() => machine.stepStatus(failing.id), { timeout: 5000 }).toBe('succeeded');
      await machine.back();
      await expect.poll(() => bench.rowState(m2.id)).toBe('provisioning');
    });

    it('filters, searches, and resets selected machines after asking', async () => {
      const m3 = await machineByMac(st, MACS[2]!);
      await bench.search('08:00:03');
      await expect.poll(() => bench.rows().count()).toBe(1);
      await bench.search('');
      await bench.filterState('provisioning');
      await expect.poll(() => bench.rows().count()).toBe(2);
      await bench.filterState('all');

      await bench.select(m3.id);
      expect(await page.getByTestId('selection-count').textContent()).toBe('1 selected');
      await page.getByTestId('selection-reset').click();
      await page.getByTestId('confirm-cancel').click();
      expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
      const before = (await machineByMac(st, MACS[2]!)).deployment;
      await bench.resetSelected();
      await expect.poll(() => bench.selectionMessage().textContent()).toMatch(/Reset: 1/);
      expect((await machineByMac(st, MACS[2]!)).deployment).toBe(before + 1);
      // The row follows on the next event batch.
      await expect.poll(() => bench.rowState(m3.id)).toBe('assigned');
    });
  },
);
