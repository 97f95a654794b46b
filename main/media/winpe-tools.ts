import fs from 'node:fs';
import path from 'node:path';
import { isApiSet, readPeImports } from './pe-imports.js';
import { extractWimFiles, listWimDir, type WimRef } from './wimlib.js';

/**
 * curl.exe for WinPE, taken from the install image (Windows 10 1803 and later ship it in
 * System32) together with every DLL it needs that the boot image's System32 lacks, so
 * wimboot can inject them beside it and WinPE can fetch over HTTP without a share.
 */
export interface WinpeToolsResult {
  /** Flat file names written to `outDir`: curl.exe first, then DLLs. */
  curl: string | null;
  dlls: string[];
  warnings: string[];
}

const SYSTEM32 = '/Windows/System32';

export async function extractWinpeTools(
  install: WimRef,
  installIndex: number,
  boot: WimRef,
  outDir: string,
): Promise<WinpeToolsResult> {
  const installNames = await listWimDir(install, installIndex, SYSTEM32);
  const byLower = new Map(installNames.map((n) => [n.toLowerCase(), n]));
  const curlName = byLower.get('curl.exe');
  if (!curlName) {
    return {
      curl: null,
      dlls: [],
      warnings: [
        `Edition ${installIndex} has no Windows\\System32\\curl.exe (Windows 10 before 1803): it was imported, but it cannot be deployed by this flow (WinPE downloads over HTTP with curl.exe). Import Windows 10 1803 or later.`,
      ],
    };
  }
  // WinPE boots boot.wim index 2 (Windows Setup); what it has need not be shipped.
  const bootNames = new Set((await listWimDir(boot, 2, SYSTEM32)).map((n) => n.toLowerCase()));
  fs.mkdirSync(outDir, { recursive: true });
  await extractWimFiles(install, installIndex, [`${SYSTEM32}/${curlName}`], outDir);
  fs.renameSync(path.join(outDir, curlName), path.join(outDir, 'curl.exe'));

  const warnings: string[] = [];
  const dlls: string[] = [];
  const seen = new Set<string>();
  // Breadth first: a DLL we add may itself import one the boot image lacks.
  const queue = ['curl.exe'];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const pe = readPeImports(fs.readFileSync(path.join(outDir, file)));
    // Delay-loaded DLLs too: they fail only when that code runs (an LDAP URL, say).
    for (const dll of [...pe.imports, ...pe.delayImports]) {
      const lower = dll.toLowerCase();
      if (seen.has(lower) || isApiSet(dll) || bootNames.has(lower)) continue;
      seen.add(lower);
      const stored = byLower.get(lower);
      if (!stored) {
        warnings.push(
          `${file} needs ${dll}, which neither boot.wim nor edition ${installIndex} has in System32: curl.exe may not start in WinPE.`,
        );
        continue;
      }
      await extractWimFiles(install, installIndex, [`${SYSTEM32}/${stored}`], outDir);
      const flat = lower;
      if (stored !== flat) fs.renameSync(path.join(outDir, stored), path.join(outDir, flat));
      dlls.push(flat);
      queue.push(flat);
    }
  }
  return { curl: 'curl.exe', dlls: dlls.sort(), warnings };
}
