// Whether the Electron package (types) and its binary are here. Shared by start and build.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** @returns {{ types: boolean, binary: string | null, reason: string | null }} */
export function electronStatus() {
  let pkgDir;
  try {
    pkgDir = require.resolve('electron/package.json').replace(/package\.json$/, '');
  } catch {
    return {
      types: false,
      binary: null,
      reason: 'the electron package is not installed (its binary download failed or was skipped)',
    };
  }
  const types = fs.existsSync(pkgDir + 'electron.d.ts');
  let binary;
  try {
    // electron's index.js throws when the binary was never downloaded.
    binary = require('electron');
  } catch {
    return { types, binary: null, reason: 'the Electron binary is not downloaded' };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) {
    return { types, binary: null, reason: 'the Electron binary is missing' };
  }
  return { types, binary, reason: null };
}
