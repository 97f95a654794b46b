import fs from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { agentScriptPath, agentScriptText } from '../../../../../main/agent/scripts/routes.js';

/**
 * agent.ps1 as machines get it (its parts inlined), checked by a second PowerShell grammar
 * (tree-sitter-powershell, WINDOWS.md 6) besides PowerShell's own parser (ps51-syntax.test.ts)
 * and the runs under pwsh (test/integration/agent-ps1.test.ts, test/pester). It must parse
 * without a single error node, stay ASCII (PowerShell 5.1 reads BOM-less files as ANSI),
 * keep the 5.1 pitfalls handled, and mirror the sh agent's functions.
 */
const require = createRequire(import.meta.url);
const source = agentScriptText('agent.ps1');
let parser: Parser;

beforeAll(async () => {
  await Parser.init();
  const wasm = require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  const lang = await Language.load(wasm);
  parser = new Parser();
  parser.setLanguage(lang);
});

function errors(text: string): string[] {
  const tree = parser.parse(text)!;
  const found: string[] = [];
  const walk = (n: Node) => {
    if (n.isError || n.isMissing) {
      found.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.text.slice(0, 60)}`);
    }
    for (const c of n.children) if (c) walk(c);
  };
  walk(tree.rootNode);
  return found;
}

describe('agent.ps1', () => {
  it('the grammar catches a broken script (the lint can fail)', () => {
    expect(errors('if ($x -eq 1 { Write-Host 1 }').length).toBeGreaterThan(0);
    expect(errors('if ($x -eq 1) { Write-Host 1 }')).toEqual([]);
  });

  it('parses without errors', () => {
    expect(errors(source)).toEqual([]);
  });

  it('is ASCII with CRLF-safe lines', () => {
    expect([...source].filter((c) => c.charCodeAt(0) > 127)).toEqual([]);
  });

  it('handles the PowerShell 5.1 pitfalls of WINDOWS.md', () => {
    expect(source).toContain("$ProgressPreference = 'SilentlyContinue'");
    expect(source).toContain('Tls12');
    // Any Invoke-WebRequest must use basic parsing (5.1 prompts and hangs otherwise); the
    // agent itself uses HttpWebRequest, which behaves the same in 5.1 and 7.
    const iwr = source.match(/Invoke-(WebRequest|RestMethod)[^\n]*/g) ?? [];
    for (const line of iwr) expect(line).toContain('-UseBasicParsing');
    expect(source).toContain('Set-StrictMode -Version 3.0');
    // The boot task from XML, battery conditions off (schtasks /create cannot say so).
    expect(source).toMatch(/Register-ScheduledTask -TaskName \$TaskName -Xml \$xml/);
    expect(source).toContain('<DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>');
    expect(source).toContain('<StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>');
    expect(source).toContain('1618');
    // Wallpaper through per-user values, not the Enterprise-only CSP keys.
    expect(source).not.toMatch(/CurrentVersion\\PersonalizationCSP/);
    expect(source).not.toMatch(/^\. \(Join-Path/m);
  });

  it('mirrors the sh agent step for step', () => {
    const sh = fs.readFileSync(agentScriptPath('agent.sh'), 'utf8');
    const pairs: [string, string][] = [
      ['queue()', 'function Add-Report'],
      ['renumber_queue()', 'function Reset-QueueNumbers'],
      ['flush()', 'function Send-Queue'],
      ['fetch_plan()', 'function Update-Plan'],
      ['fetch_download()', 'function Get-StepDownload'],
      ['run_command()', 'function Invoke-StepCommand'],
      ['detect()', 'function Test-Detection'],
      ['execute()', 'function Invoke-Step'],
      ['run_step()', 'function Invoke-StepAttempt'],
      ['run_plan()', 'function Invoke-Plan'],
      ['agent_run()', 'function Start-Agent'],
      ['agent_install()', 'function Install-Agent'],
    ];
    for (const [shFn, psFn] of pairs) {
      expect(sh, shFn).toContain(shFn);
      expect(source, psFn).toContain(psFn);
    }
    // The same report types and the same resume rule.
    for (const t of [
      'step-started',
      'step-log',
      'step-progress',
      'step-succeeded',
      'step-failed',
      'step-skipped',
      'inventory',
    ]) {
      expect(source).toContain(`'${t}'`);
      expect(sh).toContain(`"type\\":\\"${t}\\"`.replace(/\\\\/g, '\\'));
    }
    expect(source).toMatch(/\^running \(\\d\+\)\$/);
  });
});
