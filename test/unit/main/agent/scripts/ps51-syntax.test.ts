import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { agentScriptPath, agentScriptText } from '../../../../../main/agent/scripts/routes.js';
import { requireOrSkip } from '../../../../helpers/env.js';
import { pwshEnv, pwshPath, pwshUnavailable } from '../../../../helpers/pwsh.js';

/**
 * CI runs agent.ps1 under PowerShell 7; machines run it under Windows PowerShell 5.1. What
 * 7 accepts and 5.1 does not (?? ?. ternary && || -Parallel -AsHashtable $IsWindows ...),
 * and cmdlets whose default encoding differs, are found with PowerShell's own parser
 * (test/pester/ps51-lint.ps1 walks the tokens and the AST).
 */
const skip = requireOrSkip(pwshUnavailable());
const run = promisify(execFile);

interface Finding {
  file: string;
  line: number;
  what: string;
}

async function lint(files: string[]): Promise<Finding[]> {
  const { stdout } = await run(
    pwshPath()!,
    [
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-File',
      path.resolve('test/pester/ps51-lint.ps1'),
      ...files,
    ],
    { env: pwshEnv(), timeout: 120_000 },
  );
  return JSON.parse(stdout) as Finding[];
}

const parts = [
  'agent.ps1',
  'agent-core.ps1',
  'agent-process.ps1',
  'agent-steps.ps1',
  'agent-windows.ps1',
];

describe.skipIf(skip)('agent.ps1 stays Windows PowerShell 5.1', () => {
  it('the lint finds each PS7-only construct (it can fail)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps51-'));
    const bad = path.join(dir, 'bad.ps1');
    fs.writeFileSync(
      bad,
      [
        '$a = $b ?? 1',
        '$c = ${d}?.Name',
        '$e = $x ? 1 : 2',
        'git status && echo ok',
        'git status || echo no',
        '1..3 | ForEach-Object -Parallel { $_ }',
        "'{}' | ConvertFrom-Json -AsHashtable",
        'Invoke-WebRequest -Uri http://x',
        'Set-Content -Path x -Value y',
        'Out-File -FilePath x -Encoding utf8NoBOM -InputObject 1',
        'if ($IsWindows) { }',
        '',
      ].join('\n'),
    );
    try {
      const found = (await lint([bad])).map((f) => `${f.line} ${f.what}`);
      for (const [line, what] of [
        [1, '??'],
        [2, '?.'],
        [3, 'ternary'],
        [4, '&&'],
        [5, '||'],
        [6, 'ForEach-Object -Parallel'],
        [7, 'ConvertFrom-Json -AsHashtable'],
        [8, 'without -UseBasicParsing'],
        [9, 'Set-Content without -Encoding'],
        [10, '-Encoding utf8NoBOM'],
        [11, '$IsWindows'],
      ] as const) {
        expect(
          found.some((f) => f.startsWith(`${line} `) && f.includes(what)),
          `${line} ${what}`,
        ).toBe(true);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('every part of agent.ps1 (and the served bundle) is clean', async () => {
    const dir = path.dirname(agentScriptPath('agent.ps1'));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ps51-'));
    const bundle = path.join(tmp, 'agent-bundle.ps1');
    fs.writeFileSync(bundle, agentScriptText('agent.ps1'));
    try {
      expect(await lint([...parts.map((p) => path.join(dir, p)), bundle])).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs under Set-StrictMode, every part ASCII', () => {
    const dir = path.dirname(agentScriptPath('agent.ps1'));
    expect(fs.readFileSync(path.join(dir, 'agent.ps1'), 'utf8')).toMatch(
      /^Set-StrictMode -Version 3\.0$/m,
    );
    for (const p of parts) {
      const text = fs.readFileSync(path.join(dir, p), 'utf8');
      expect(
        [...text].filter((c) => c.charCodeAt(0) > 127),
        p,
      ).toEqual([]);
    }
  });
});
