import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentScriptPath, embedMachine } from '../../../../../main/agent/scripts/routes.js';

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
});
