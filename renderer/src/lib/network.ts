/** Helpers for choosing the bench network (pure; tested in test/unit/renderer). */

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;
const toIp = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * A pool for full DHCP inside the station's own subnet that leaves room for fixed
 * addresses: .100-.199 in a /24, else the upper half of the host range, never the
 * station's own address.
 */
export function suggestRange(address: string, netmask: string): string | null {
  const ip = toInt(address);
  const mask = toInt(netmask);
  const net = (ip & mask) >>> 0;
  const broadcast = (net | (~mask >>> 0)) >>> 0;
  const hosts = broadcast - net - 1;
  if (hosts < 4) return null;
  let first: number;
  let last: number;
  if (hosts === 254) {
    first = net + 100;
    last = net + 199;
  } else {
    first = net + Math.floor(hosts / 2) + 1;
    last = broadcast - 1;
  }
  if (ip >= first && ip <= last) {
    // The station sits in the pool: take the part of the range on the larger side of it.
    if (ip - first >= last - ip) last = ip - 1;
    else first = ip + 1;
  }
  return first <= last ? `${toIp(first)}-${toIp(last)}` : null;
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && String(Number(p)) === p)
  );
}

/** A sentence when the range text is not FIRST-LAST of two IPv4 addresses, else null. */
export function rangeProblem(range: string): string | null {
  const m = /^\s*([\d.]+)\s*-\s*([\d.]+)\s*$/.exec(range);
  if (!m || !isIPv4(m[1]!) || !isIPv4(m[2]!)) {
    return 'Write the pool as FIRST-LAST, for example 192.168.50.100-192.168.50.199.';
  }
  if (toInt(m[1]!) > toInt(m[2]!)) return 'The pool starts after it ends.';
  return null;
}
