import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';

const skip = browserUnavailable();

/**
 * Actions whose "busy, then say what came of it" goes through the renderer's useAction and
 * that no other browser test drives: the app library's import.
 */
describe.skipIf(skip !== null)(
  `console actions${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let dir: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-actions-e2e-'));
      st = await startTestStation();
      browser = await launchChromium();
      page = await openStation(browser, st, '#/profiles');
      await page.getByTestId('app-library').waitFor();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('imports an installer into the app library and says what it became', async () => {
      const exe = path.join(dir, 'acme-tool.exe');
      fs.writeFileSync(exe, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4096, 7)]));
      await page.getByTestId('app-file').setInputFiles(exe);
      // The name comes from the file; the version is the technician's.
      expect(await page.getByTestId('app-name').inputValue()).toBe('acme-tool');
      await page.getByTestId('app-version').fill('2.1');
      await page.getByTestId('app-import').click();
      const message = page.getByTestId('app-message');
      await expect.poll(() => message.textContent()).toMatch(/^Imported acme-tool 2\.1 as "/);
      expect(await message.getAttribute('role')).toBe('status');
      await expect
        .poll(() => page.getByTestId('apps-table').textContent())
        .toMatch(/acme-tool.*2\.1/);
      // The list and the button are back: the import is not still "busy".
      expect(await page.getByTestId('app-import').textContent()).toBe('Import installer');
      await page.screenshot({ path: artifactPath('app-library-import.png'), fullPage: true });
    });
  },
);
