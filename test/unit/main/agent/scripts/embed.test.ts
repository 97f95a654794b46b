import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  agentScriptPath,
  agentScriptText,
  bundleAgentPs1,
  embedMachine,
} from '../../../../../main/agent/scripts/routes.js';

describe('embedMachine', () => {
  const sh = fs.readFileSync(agentScriptPath('agent.sh'), 'utf8');
  const ps = fs.readFileSync(agentScriptPath('agent.ps1'), 'utf8');

  it('fills the station URL and token into agent.sh, quoted for sh', () => {
    const out = embedMachine('agent.sh', sh, 'http://10.0.0.1:8080', "tok'en");
    expect(out).toContain("EMBEDDED_STATION='http://10.0.0.1:8080'\n");
    expect(out).toContain("EMBEDDED_TOKEN='tok'\\''en'\n");
    // Nothing else changes.
    expect(out.split('\n').length).toBe(sh.split('\n').length);
  });

  it('fills them into agent.ps1, quoted for PowerShell', () => {
    const out = embedMachine('agent.ps1', ps, 'http://10.0.0.1:8080', "tok'en");
    expect(out).toContain("$EmbeddedStation = 'http://10.0.0.1:8080'");
    expect(out).toContain("$EmbeddedToken = 'tok''en'");
  });

  it('the scripts keep exactly one empty EMBEDDED line each (what the station replaces)', () => {
    expect(sh.match(/^EMBEDDED_(STATION|TOKEN)=$/gm)).toHaveLength(2);
    expect(ps.match(/^\$Embedded(Station|Token) = ''$/gm)).toHaveLength(2);
  });

  it('serves agent.ps1 as one file: every part inlined once, where it was dot-sourced', () => {
    const parts = ['agent-core.ps1', 'agent-process.ps1', 'agent-windows.ps1', 'agent-steps.ps1'];
    const bundle = agentScriptText('agent.ps1');
    for (const p of parts) {
      expect(bundle.split(`# ---- ${p} (inlined by the station) ----`)).toHaveLength(2);
    }
    expect(bundle).not.toMatch(/^\. \(Join-Path/m);
    // In load order: helpers before the functions that call them at load time.
    const at = parts.map((p) => bundle.indexOf(`# ---- ${p} (inlined`));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const out = embedMachine('agent.ps1', bundle, 'http://10.0.0.1:8080', 'tok');
    expect(out.match(/^\$EmbeddedToken = 'tok'$/gm)).toHaveLength(1);
    // A line that only looks like a part is left alone.
    expect(bundleAgentPs1(". (Join-Path $PSScriptRoot 'other.ps1')\n", () => 'x')).toBe(
      ". (Join-Path $PSScriptRoot 'other.ps1')\n",
    );
  });
});
