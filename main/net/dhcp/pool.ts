/** IPv4 arithmetic for the address pool (--dhcp-range FIRST-LAST). Pure. */

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Pool {
  first: number;
  last: number;
}

export function parseRange(range: string): Pool {
  const [a, b] = range.split('-');
  const first = ipToInt(a!);
  const last = ipToInt(b!);
  if (last < first)
    throw new RangeError(`--dhcp-range ${range}: the last address is before the first`);
  return { first, last };
}

export function inPool(pool: Pool, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= pool.first && n <= pool.last;
}

export function poolSize(pool: Pool): number {
  return pool.last - pool.first + 1;
}

export function sameSubnet(a: string, b: string, mask: string): boolean {
  const m = ipToInt(mask);
  return (ipToInt(a) & m) === (ipToInt(b) & m);
}

export function prefixToMask(bits: number): string {
  return intToIp(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
}
