import { isIPv4 } from 'node:net';

/**
 * What full-mode DHCP hands out besides an address (RFC 2132 §3.5 router, §3.8 DNS servers,
 * §8.3 NTP servers), from --dhcp-router, --dhcp-dns and --dhcp-ntp, and what a bench
 * without each of them cannot do (shown on the Services page). Pure.
 */

export interface BenchDhcpValues {
  dhcpRouter?: string | undefined;
  dhcpDns?: string | undefined;
  dhcpNtp?: string | undefined;
}

export interface BenchDhcpOptions {
  routers?: string[];
  dnsServers?: string[];
  ntpServers?: string[];
}

/** "a, b" or "a b" to addresses; a bad one is reported by the options schema, not here. */
export function ipList(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function validIpList(value: string): string | null {
  const ips = ipList(value);
  if (ips.length === 0) return 'give at least one IPv4 address';
  if (ips.length > 4) return 'at most 4 addresses';
  const bad = ips.find((ip) => !isIPv4(ip));
  return bad ? `${bad} is not an IPv4 address` : null;
}

export function benchDhcpOptions(v: BenchDhcpValues): BenchDhcpOptions {
  const out: BenchDhcpOptions = {};
  if (v.dhcpRouter) out.routers = [v.dhcpRouter];
  const dns = ipList(v.dhcpDns);
  if (dns.length) out.dnsServers = dns;
  const ntp = ipList(v.dhcpNtp);
  if (ntp.length) out.ntpServers = ntp;
  return out;
}

/** One sentence per missing option: what machines on this bench cannot do without it. */
export function benchDhcpGaps(v: BenchDhcpValues): string[] {
  const gaps: string[] = [];
  if (!v.dhcpRouter) {
    gaps.push(
      'No gateway (--dhcp-router): machines reach only the bench network, so apps installed from an internet URL, Windows activation and updates fail.',
    );
  }
  if (!ipList(v.dhcpDns).length) {
    gaps.push(
      'No DNS servers (--dhcp-dns): machines cannot resolve names, so domain joins and installers that download by name fail.',
    );
  }
  if (!ipList(v.dhcpNtp).length) {
    gaps.push(
      'No NTP server (--dhcp-ntp): clocks are not set from the network; a clock far off breaks domain joins (Kerberos) and TLS downloads.',
    );
  }
  return gaps;
}
