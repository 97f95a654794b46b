import { phaseSeconds, type WinpeEntry, type WinpeFacts } from '../machines/winpe-progress.js';
import type { Entry } from '../machines/types.js';
import type { WindowsInstallReport } from './types.js';

/**
 * The Windows install as WinPE reported it (docs/agent-protocol.md "WinPE progress"): which
 * medium, edition and index, which driver packs, which disk, and how long the download and
 * the apply took. null when this deployment had no WinPE reports (Linux, or not yet booted).
 */
export function windowsInstallReport(dep: readonly Entry[]): WindowsInstallReport | null {
  const winpe = dep.filter((e) => e.data.kind === 'winpe');
  if (winpe.length === 0) return null;
  const facts: WinpeFacts = {};
  let failed: WinpeEntry | null = null;
  for (const e of winpe) {
    const d = e.data as WinpeEntry;
    Object.assign(facts, d.facts ?? {});
    if (d.status === 'failed') failed = d;
  }
  const imageBytes = winpe
    .map((e) => (e.data as WinpeEntry).totalBytes)
    .find((n): n is number => typeof n === 'number');
  return {
    medium: facts.media ?? null,
    edition: facts.edition ?? null,
    index: facts.index ?? null,
    imageKind: facts.image ?? null,
    imageBytes: imageBytes ?? null,
    driverPacks: facts.packs ?? [],
    winpeDriverPacks: facts.pePacks ?? [],
    firmware: facts.firmware ?? null,
    disk: facts.disk ?? null,
    layout: facts.layout ?? null,
    downloadSeconds: phaseSeconds(winpe, 'download'),
    applySeconds: phaseSeconds(winpe, 'apply'),
    failedPhase: failed?.phase ?? null,
  };
}
