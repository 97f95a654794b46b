import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { commandUnavailable, requireOrSkip } from './env.js';

export const chromiumPath = process.env.PREPSTATION_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here (null: they can). Throws in CI. */
export function browserUnavailable(): string | null {
  return requireOrSkip(
    fs.existsSync(chromiumPath) ? null : commandUnavailable('chromium', 'chromium'),
  );
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** Screenshots are kept as test artifacts, to be looked at. */
export function artifactPath(name: string): string {
  const dir = path.resolve('test-artifacts', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
