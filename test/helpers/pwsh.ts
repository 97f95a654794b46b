import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PowerShell 7 for the Windows agent's tests: a .NET global tool (scripts/ci/install-
 * powershell.sh), so it is on PATH in CI (.ci/run adds ~/.dotnet/tools) and perhaps only
 * in ~/.dotnet/tools on a developer's machine.
 */
export function pwshPath(): string | null {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  dirs.push(path.join(os.homedir(), '.dotnet', 'tools'), '/root/.dotnet/tools');
  for (const d of dirs) {
    const p = path.join(d, 'pwsh');
    if (fs.existsSync(p)) return p;
  }
  return null;
}

const HOW = 'run scripts/ci/install-powershell.sh (PowerShell 7.6.10 from NuGet, Pester 5)';

/** null when pwsh runs here, else why not (for requireOrSkip). */
export function pwshUnavailable(): string | null {
  return pwshPath() ? null : `pwsh is not installed: ${HOW}`;
}

let pester: string | null | undefined;

/** null when pwsh can import Pester 5, else why not. */
export function pesterUnavailable(): string | null {
  if (pester !== undefined) return pester;
  const pwsh = pwshPath();
  if (!pwsh) return (pester = `pwsh is not installed: ${HOW}`);
  try {
    const v = execFileSync(
      pwsh,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', PESTER_VERSION],
      { encoding: 'utf8', timeout: 60_000, env: pwshEnv() },
    ).trim();
    pester = /^5\./.test(v) ? null : `Pester 5 is not installed (found "${v}"): ${HOW}`;
  } catch (err) {
    pester = `Pester 5 cannot be imported (${(err as Error).message.split('\n')[0]}): ${HOW}`;
  }
  return pester;
}

const PESTER_VERSION = `$m = Get-Module -ListAvailable Pester | Where-Object { $_.Version.Major -eq 5 } | Sort-Object Version -Descending | Select-Object -First 1; if ($m) { $m.Version.ToString() } else { 'none' }`;

/**
 * Where the .NET runtime is, for pwsh's launcher: DOTNET_ROOT when set, else the folder of
 * the `dotnet` on PATH (the launcher itself only looks in /usr/share/dotnet, /usr/lib/dotnet).
 */
function dotnetRoot(): string | undefined {
  if (process.env.DOTNET_ROOT) return process.env.DOTNET_ROOT;
  for (const d of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const p = path.join(d, 'dotnet');
    if (fs.existsSync(p)) return path.dirname(fs.realpathSync(p));
  }
  return undefined;
}

/** The environment pwsh runs with in tests: no telemetry, no update check. */
export function pwshEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const root = dotnetRoot();
  return {
    ...process.env,
    ...(root ? { DOTNET_ROOT: root } : {}),
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
    ...extra,
  };
}
