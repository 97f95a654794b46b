import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Some tests need root, network namespaces or QEMU. On a technician's laptop they skip and
 * say why; in CI (CI=true) a missing capability is a failure, never a silent skip.
 */
export const inCi = process.env.CI === 'true' || process.env.CI === '1';

function can(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

let netnsReason: string | null | undefined;

/** null when network namespaces can be created here, else why not. */
export function netnsUnavailable(): string | null {
  if (netnsReason !== undefined) return netnsReason;
  if (process.platform !== 'linux') netnsReason = 'network namespaces need Linux';
  else if (process.getuid?.() !== 0) netnsReason = 'network namespaces need root (run as root)';
  else if (!can('ip', ['netns', 'list'])) netnsReason = '`ip netns` is not available (iproute2)';
  else netnsReason = null;
  return netnsReason;
}

/** null when a command exists on PATH, else a sentence saying which package brings it. */
export function commandUnavailable(cmd: string, debianPackage: string): string | null {
  const dirs = (process.env.PATH ?? '').split(':');
  for (const d of [...dirs, '/usr/sbin', '/sbin']) {
    if (d && fs.existsSync(`${d}/${cmd}`)) return null;
  }
  return `${cmd} is not installed (Debian package ${debianPackage})`;
}

/**
 * Returns the reason to skip, or null to run. In CI a reason throws instead: the suite
 * must not pass by skipping what it was meant to prove.
 */
export function requireOrSkip(...reasons: (string | null)[]): string | null {
  const missing = reasons.filter((r): r is string => r !== null);
  if (missing.length === 0) return null;
  const reason = missing.join('; ');
  if (inCi) throw new Error(`CI=true but this test cannot run: ${reason}`);
  return reason;
}
