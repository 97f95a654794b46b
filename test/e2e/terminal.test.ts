import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSummary, TerminalInfo } from '../../main/api/contract.js';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { pidAlive } from '../integration/terminal-client.js';

const skip = browserUnavailable() ?? (process.platform === 'win32' ? 'needs a POSIX shell' : null);
// A plain sh: the machine's own bash profile (pyenv, conda...) can take seconds to start.
process.env.SHELL = '/bin/sh';

const screenText = (page: Page, tab: string) =>
  page.getByTestId(`terminal-screen-${tab}`).locator('.xterm-rows').textContent();

describe.skipIf(skip !== null)(`terminal panel${skip ? ` (skipped: ${skip})` : ''}`, () => {
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

  const terminals = async () =>
    (await (await st.api('/api/v1/terminals')).json()) as TerminalInfo[];

  it('types a command in a station shell tab and reads its output; tabs, search, close', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${st.uiUrl}/?token=${st.token}#/bench`);
    await page.getByTestId('nav-terminal').waitFor();
    await page.keyboard.press('Alt+6');
    await page.getByTestId('terminal-empty').waitFor();
    expect(page.url()).toContain('#/terminal');

    await page.getByTestId('terminal-new-local').click();
    await expect.poll(() => page.getByTestId('terminal-state').textContent()).toBe('Open');
    const first = 'tab-1';
    await page.getByTestId(`terminal-screen-${first}`).click();
    await page.keyboard.type('echo "from-the-browser-$((40+2))"');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => screenText(page, first), { timeout: 10_000 })
      .toMatch(/from-the-browser-42/);

    // The panel is fitted to the page: the shell sees xterm's size, not 80x24.
    await page.keyboard.type('stty size');
    await page.keyboard.press('Enter');
    const [info] = await terminals();
    await expect.poll(() => screenText(page, first)).toMatch(/\d+ \d+/);
    expect(info!.cols).toBeGreaterThan(80);

    // Search finds what is on the screen.
    await page.getByTestId('terminal-search').fill('from-the-browser');
    await page.getByTestId('terminal-search').press('Enter');
    expect(await page.getByTestId('terminal-search').getAttribute('class')).not.toContain(
      'not-found',
    );
    await page.getByTestId('terminal-search').fill('never-printed-anywhere');
    await page.getByTestId('terminal-search').press('Enter');
    expect(await page.getByTestId('terminal-search').getAttribute('class')).toContain('not-found');

    // A second tab is a second shell; the first keeps its output while hidden.
    await page.getByTestId('terminal-new-local').click();
    await expect.poll(async () => (await terminals()).length).toBe(2);
    await page.getByTestId(`terminal-tab-${first}`).click();
    await expect.poll(() => screenText(page, first)).toMatch(/from-the-browser-42/);
    await page.screenshot({ path: artifactPath('terminal.png') });

    // Closing a tab ends its shell.
    const pid = info!.pid;
    await page.getByTestId(`terminal-close-${first}`).click();
    await expect.poll(async () => (await terminals()).length).toBe(1);
    await expect.poll(() => pidAlive(pid)).toBe(false);

    // The token never shows in the page.
    expect(await page.content()).not.toContain(st.token);
    await page.close();
    // The last tab's socket is gone with the page; the station ends it at stop at the latest.
  });

  it("an ssh tab to a bad address fails with the station's reason", async () => {
    const page = await browser.newPage();
    await page.goto(`${st.uiUrl}/?token=${st.token}#/terminal`);
    await page.getByTestId('terminal-new-ssh').click();
    await page.getByTestId('terminal-ssh-host').fill('-oProxyCommand=x');
    await page.getByTestId('terminal-ssh-user').fill('root');
    await page.getByTestId('terminal-ssh-connect').click();
    await expect
      .poll(() => page.getByTestId('terminal-state').textContent())
      .toMatch(/Failed: .*host/);
    await page.close();
  });

  it("opens an ssh tab from a machine's page, asks for the user, shows ssh's answer", async () => {
    const mac = '52:54:00:10:00:02';
    expect((await fetch(`${st.benchUrl}/boot/ipxe?mac=${mac}`)).status).toBe(200);
    const machines = (await (await st.api('/api/v1/machines')).json()) as MachineSummary[];
    const m = machines.find((x) => x.macs.includes(mac))!;
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));

    const page = await browser.newPage();
    await page.goto(`${st.uiUrl}/?token=${st.token}#/bench/machine/${m.id}`);
    await page.getByTestId('action-terminal').click();
    await page.getByTestId('terminal-page').waitFor();
    await page.getByTestId('terminal-ssh-user').fill('tech');
    await page.getByTestId('terminal-ssh-port').fill(String(port));
    await page.getByTestId('terminal-ssh-connect').click();
    const tab = (await page
      .locator('[data-testid^="terminal-tab-"]')
      .last()
      .getAttribute('data-testid'))!.replace('terminal-tab-', '');
    await expect
      .poll(() => screenText(page, tab), { timeout: 10_000 })
      .toMatch(/Connection refused/);
    await expect.poll(() => page.getByTestId('terminal-state').textContent()).toMatch(/Ended/);
    await page.close();
  });
});
