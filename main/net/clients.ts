/**
 * Which MAC is behind which IPv4 address on the bench, learned from DHCP (leases in full
 * mode, requests in proxy mode) and from agents. TFTP and HTTP use it to tie a transfer to
 * a machine: they only see the client's address.
 */
export class ClientDirectory {
  private readonly byIp = new Map<string, { mac: string; seen: number }>();

  constructor(private readonly max = 4096) {}

  learn(ip: string, mac: string, now = Date.now()): void {
    if (!ip || ip === '0.0.0.0') return;
    this.byIp.delete(ip);
    this.byIp.set(ip, { mac: mac.toLowerCase(), seen: now });
    if (this.byIp.size > this.max) {
      const oldest = this.byIp.keys().next().value;
      if (oldest !== undefined) this.byIp.delete(oldest);
    }
  }

  macFor(ip: string | undefined): string | null {
    // A request whose socket already closed has no address: nothing to look up.
    if (typeof ip !== 'string' || ip === '') return null;
    // IPv4-mapped IPv6 (::ffff:10.0.0.5) is how dual-stack sockets report IPv4 clients.
    const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    return this.byIp.get(v4)?.mac ?? null;
  }
}
