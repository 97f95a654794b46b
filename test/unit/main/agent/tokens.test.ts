import { describe, expect, it } from 'vitest';
import { AgentTokens } from '../../../../main/agent/tokens.js';

describe('AgentTokens', () => {
  it('gives each deployment its own token and knows whose it is', () => {
    const t = new AgentTokens(Buffer.alloc(32, 1));
    const a1 = t.tokenFor('ma', 1);
    const a2 = t.tokenFor('ma', 2);
    const b1 = t.tokenFor('mb', 1);
    expect(new Set([a1, a2, b1]).size).toBe(3);
    expect(t.tokenFor('ma', 1)).toBe(a1);
    expect(t.ownerOf(a2)).toEqual({ machineId: 'ma', deployment: 2 });
    expect(t.ownerOf(a1.slice(0, -1))).toBeNull();
    expect(t.ownerOf(undefined)).toBeNull();
    // Another station key: the same machine gets another token.
    expect(new AgentTokens(Buffer.alloc(32, 2)).tokenFor('ma', 1)).not.toBe(a1);
  });
});
