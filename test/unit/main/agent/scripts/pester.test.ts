import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireOrSkip } from '../../../../helpers/env.js';
import { pesterUnavailable, pwshEnv, pwshPath } from '../../../../helpers/pwsh.js';

/**
 * The Pester tests of the Windows agent's Windows-only functions (test/pester/*.Tests.ps1),
 * run under PowerShell 7 so that `npm test` runs them: any Pester failure fails this test,
 * with Pester's own messages.
 */
const skip = requireOrSkip(pesterUnavailable());
const run = promisify(execFile);

// One line of JSON with the counts and every failure; Pester's own output on stderr.
const driver = `
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.0 -MaximumVersion 5.99
$c = New-PesterConfiguration
$c.Run.Path = $env:PESTER_PATH
$c.Run.PassThru = $true
$c.Output.Verbosity = 'None'
$r = Invoke-Pester -Configuration $c
$failed = @($r.Failed | ForEach-Object { $_.ExpandedPath + ': ' + (($_.ErrorRecord | ForEach-Object { [string]$_ }) -join '; ') })
[Console]::Out.WriteLine((ConvertTo-Json -Compress -InputObject @{ total = $r.TotalCount; passed = $r.PassedCount; failed = $failed; result = [string]$r.Result }))
`;

describe.skipIf(skip)('Pester: agent-windows.ps1 with Windows mocked', () => {
  it('every Pester test passes', async () => {
    const { stdout } = await run(
      pwshPath()!,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', driver],
      {
        env: pwshEnv({ PESTER_PATH: path.resolve('test/pester') }),
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      total: number;
      passed: number;
      failed: string[];
      result: string;
    };
    expect(r.failed).toEqual([]);
    expect(r.total).toBeGreaterThanOrEqual(25);
    expect(r.passed).toBe(r.total);
    expect(r.result).toBe('Passed');
  }, 600_000);
});
