/** Who told us: DHCP (what the network saw) or an agent speaking with its machine's token. */
export type BindingSource = 'dhcp' | 'agent';

/**
 * Which MAC is behind which IPv4 address on the bench, learned from DHCP (leases in full
 * mode, requests in proxy mode) and from agents. TFTP and HTTP use it to tie a transfer to
 * a machine: they only see the client's address. Never from a MAC claimed in a URL: any
 * device can write `?mac=<another PC's MAC>` (issue 13 item 4).
 */
export class ClientDirectory {
  private readonly byIp = new Map<string, { mac: string; seen: number; dhcp: boolean }>();

  constructor(private readonly max = 4096) {}

  learn(ip: string, mac: string, now = Date.now(), source: BindingSource = 'dhcp'): void {
    if (!ip || ip === '0.0.0.0') return;
    const m = mac.toLowerCase();
    const before = this.byIp.get(ip);
    // An agent confirming DHCP's binding keeps it DHCP's; a different MAC replaces it.
    const dhcp = source === 'dhcp' || (before?.dhcp === true && before.mac === m);
    this.byIp.delete(ip);
    this.byIp.set(ip, { mac: m, seen: now, dhcp });
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

  /** The MAC DHCP saw at this address, or null: what may bind an address to a machine. */
  dhcpMacFor(ip: string | undefined): string | null {
    if (typeof ip !== 'string' || ip === '') return null;
    const e = this.byIp.get(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    return e?.dhcp ? e.mac : null;
  }
}
