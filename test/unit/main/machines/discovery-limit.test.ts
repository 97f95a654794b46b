import { describe, expect, it } from 'vitest';
import { DiscoveryLimiter } from '../../../../main/machines/discovery-limit.js';

describe('DiscoveryLimiter', () => {
  it('lets a burst through per address, then one per interval; addresses are separate', () => {
    const l = new DiscoveryLimiter({
      perAddressBurst: 3,
      perAddressEveryMs: 1000,
      sharedBurst: 2,
      sharedEveryMs: 500,
      maxAddresses: 10,
    });
    const t = 1_000_000;
    expect([1, 2, 3, 4].map(() => l.admit('10.0.0.9', t))).toEqual([true, true, true, false]);
    expect(l.admit('10.0.0.10', t)).toBe(true);
    expect(l.admit('10.0.0.9', t + 999)).toBe(false);
    expect(l.admit('10.0.0.9', t + 2000)).toBe(true);
    // Without an address (DHCP from 0.0.0.0): the shared bucket.
    expect([undefined, '0.0.0.0', undefined].map((ip) => l.admit(ip, t))).toEqual([
      true,
      true,
      false,
    ]);
    // The station's own host is not the bench.
    for (let i = 0; i < 50; i++) expect(l.admit('127.0.0.1', t)).toBe(true);
  });
});
