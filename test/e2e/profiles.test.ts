import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, browserUnavailable, launchChromium } from '../helpers/browser.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { openStation } from './pages/app.js';
import { ProfilesScreen } from './pages/profiles-screen.js';

const skip = browserUnavailable();
// Browser tests on a shared 2-core machine: generous per-test time, never a speed assertion.

/** Profiles in the browser against a real station seeded with the sample profiles. */
describe.skipIf(skip !== null)(
  `profiles screen${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 90_000 },
  () => {
    let st: TestStation;
    let browser: Browser;
    let page: Page;
    let profiles: ProfilesScreen;
    const file = () => path.join(st.dataDir, 'profiles', 'baeckerei-test.yaml');

    beforeAll(async () => {
      st = await startTestStation();
      browser = await launchChromium();
      page = await openStation(browser, st, '#/profiles');
      profiles = new ProfilesScreen(page);
      await page.getByTestId('profiles-page').waitFor();
    });
    afterAll(async () => {
      await browser?.close();
      await st?.stop();
    });

    it('lists the profiles with customer and base, and creates one from a base', async () => {
      await expect.poll(() => profiles.row('dental-weber').textContent()).toMatch(/Weber/);
      expect(await profiles.row('dental-weber').textContent()).toContain('windows-11-base');
      expect(await profiles.row('ubuntu-2404-base').textContent()).toMatch(/base/);
      await page.screenshot({ path: artifactPath('profiles-list.png'), fullPage: true });

      await profiles.create({ base: 'ubuntu-2404-base', customer: 'Bäckerei Test', code: 'BAK' });
      expect(page.url()).toContain('#/profiles/baeckerei-test');
      expect(fs.readFileSync(file(), 'utf8')).toContain('extends: ubuntu-2404-base');
      expect(await profiles.yaml()).toContain('code: BAK');
    });

    it('shows an invalid edit inline with its line and refuses to save it', async () => {
      const before = fs.readFileSync(file(), 'utf8');
      const lines = (await profiles.yaml()).split('\n').length;
      await profiles.typeAtEnd('colour: blue');
      await expect.poll(() => page.getByTestId('profile-dirty').count()).toBe(1);
      // The editor checks the text against the profile JSON Schema while typing, before a save.
      await expect
        .poll(() => page.locator('.cm-lintRange-error').count(), { timeout: 15_000 })
        .toBeGreaterThan(0);
      await page.screenshot({ path: artifactPath('profile-typing-lint.png') });
      await profiles.save();
      await expect.poll(() => profiles.message().textContent()).toMatch(/Not saved/);
      const issues = await profiles.issueList().textContent();
      expect(issues).toMatch(new RegExp(`line ${lines}:1`));
      expect(issues).toMatch(/colour/);
      await expect.poll(() => profiles.inlineErrors().count()).toBeGreaterThan(0);
      expect(fs.readFileSync(file(), 'utf8')).toBe(before);
      await page.screenshot({ path: artifactPath('profile-error.png'), fullPage: true });
    });

    it('keeps unsaved changes when leaving, and offers them back', async () => {
      await page.getByTestId('nav-bench').click();
      await page.getByTestId('nav-profiles').click();
      await profiles.openProfile('baeckerei-test');
      await page.getByTestId('draft-offer').waitFor();
      expect(await profiles.yaml()).not.toContain('colour: blue');
      await page.getByTestId('draft-restore').click();
      await expect.poll(() => profiles.yaml()).toContain('colour: blue');
      // Undo the bad line, then make a valid change through the form.
      await page.getByRole('button', { name: 'Undo all changes' }).click();
      await expect.poll(() => profiles.yaml()).not.toContain('colour');
    });

    it('saves a valid edit from the form and shows it in the history with a diff', async () => {
      await profiles.setField('timezone', 'Europe/Vienna');
      await expect.poll(() => profiles.yaml()).toMatch(/timezone: Europe\/Vienna/);
      await profiles.save();
      await expect.poll(() => profiles.message().textContent()).toMatch(/Saved as version 2/);
      expect(fs.readFileSync(file(), 'utf8')).toContain('timezone: Europe/Vienna');
      expect(await page.getByTestId('profile-dirty').count()).toBe(0);

      await profiles.tab('history');
      await page.getByTestId('history-version-2').waitFor();
      await expect
        .poll(() => page.getByTestId('profile-diff').textContent())
        .toMatch(/\+\s*timezone: Europe\/Vienna/);
      await page.screenshot({ path: artifactPath('profile-history.png'), fullPage: true });
    });

    it('previews the rendered answer file with secrets masked', async () => {
      await profiles.tab('preview');
      await page.getByTestId('preview-render').click();
      const text = page.getByTestId('preview-text');
      await text.waitFor();
      expect(await text.textContent()).toMatch(/Europe\/Vienna/);
      expect(await text.textContent()).toContain('********');
      await page.screenshot({ path: artifactPath('profile-preview.png'), fullPage: true });
    });
  },
);
