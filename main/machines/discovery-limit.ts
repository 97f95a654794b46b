/**
 * How fast machines the station has never seen may be registered (issue 13 item 9): any
 * device on the bench can invent MACs in DHCP requests or boot URLs, and every invented
 * one used to become a registry row for ever. A token bucket per client address, and one
 * shared by requests without an address (DHCP DISCOVERs come from 0.0.0.0). The sizes let
 * a real bench through: a row of 100 PCs powered on together each has its own address
 * once it has a lease, and their DISCOVERs fit the shared burst.
 */
export interface DiscoveryLimits {
  /** New machines one address may register at once... */
  perAddressBurst: number;
  /** ...and one more every this many ms. */
  perAddressEveryMs: number;
  /** The same for sightings without an address. */
  sharedBurst: number;
  sharedEveryMs: number;
  /** Addresses remembered (the oldest is forgotten first). */
  maxAddresses: number;
}

export const defaultDiscoveryLimits: DiscoveryLimits = {
  perAddressBurst: 10,
  perAddressEveryMs: 6_000,
  sharedBurst: 200,
  sharedEveryMs: 250,
  maxAddresses: 4096,
};

interface Bucket {
  tokens: number;
  at: number;
}

export class DiscoveryLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: DiscoveryLimits = defaultDiscoveryLimits) {}

  /** Whether a new machine seen from `ip` (undefined: no address) may be registered now. */
  admit(ip: string | undefined, now = Date.now()): boolean {
    // The station's own host (the bench simulator, tests) is not the bench network.
    if (ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1') return true;
    const key = ip && ip !== '0.0.0.0' ? ip : '';
    const shared = key === '';
    const burst = shared ? this.limits.sharedBurst : this.limits.perAddressBurst;
    const every = shared ? this.limits.sharedEveryMs : this.limits.perAddressEveryMs;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: now };
    } else {
      b.tokens = Math.min(burst, b.tokens + (now - b.at) / every);
      b.at = now;
    }
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.limits.maxAddresses) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
