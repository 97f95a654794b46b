import os from 'node:os';

/**
 * Whether a browser's Origin may open or use a terminal. Browsers send Origin on every
 * WebSocket upgrade and cross-origin POST; only pages served by this UI listener may pass.
 * The session cookie alone is not enough: SameSite ignores ports, so another program's
 * page on http://127.0.0.1:9999 is "same site" and would carry it. A request without
 * Origin is not from a browser page (curl, tests, scripts) and still needs the token.
 */
export function originAllowed(
  origin: string | undefined,
  listener: { host: string; port: number },
  localAddresses: readonly string[] = localInterfaceAddresses(),
): boolean {
  if (origin === undefined) return true;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  if (port !== listener.port) return false;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allowedHosts(listener.host, localAddresses).has(host);
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

function allowedHosts(listenHost: string, localAddresses: readonly string[]): Set<string> {
  const h = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === '0.0.0.0' || h === '::') return new Set([...LOOPBACK, ...localAddresses]);
  if (LOOPBACK.includes(h) || h.startsWith('127.')) return new Set([h, ...LOOPBACK]);
  return new Set([h]);
}

export function localInterfaceAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) out.push(a.address.toLowerCase());
  }
  return out;
}
