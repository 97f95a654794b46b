import { describe, expect, it } from 'vitest';
import { maskReports, secretMasker } from '../../../../main/agent/mask.js';
import type { Report } from '../../../../main/agent/protocol.js';

describe('secretMasker', () => {
  it('masks the longest value first, in plain, URL and base64 forms; leaves short ones', () => {
    const mask = secretMasker(['pass', 'password-1', 'a b&c=d', 'xy']);
    expect(mask('password-1 and pass')).toBe('*** and ***');
    expect(mask(`q=${encodeURIComponent('a b&c=d')}`)).toBe('q=***');
    expect(mask(Buffer.from('password-1').toString('base64'))).toBe('***==');
    expect(mask('xy stays')).toBe('xy stays');
    // Regex characters in a value are plain text.
    expect(secretMasker(['.*+?'])('a.*+?b and abcd')).toBe('a***b and abcd');
  });

  it('rewrites text fields of reports, never their type or step id', () => {
    const mask = secretMasker(['inventory-secret', 'inventory']);
    const [r] = maskReports(
      [
        {
          type: 'step-failed',
          seq: 1,
          stepId: 'inventory',
          attempt: 1,
          reason: 'inventory-secret',
        },
      ],
      mask,
    ) as [Extract<Report, { type: 'step-failed' }>];
    expect(r.stepId).toBe('inventory');
    expect(r.reason).toBe('***');
  });
});
