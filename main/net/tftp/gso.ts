import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../../util/package-root.js';

/**
 * A whole TFTP window in one sendmsg with UDP_SEGMENT (native/src/udp_gso.c, Linux 4.18+):
 * the kernel cuts it into the DATA packets a client would have got one by one, saving a
 * trip through Node's dgram layer and a syscall per packet. Where the addon is missing or
 * the kernel refuses (an old kernel; a block bigger than the link's MTU), windows go out
 * packet by packet as before.
 */

type Addon = {
  sendSegments(fd: number, buf: Buffer, segment: number, address: string, port: number): number;
};

let addon: Addon | null | undefined;

export function gsoAddon(): Addon | null {
  if (addon !== undefined) return addon;
  if (process.platform !== 'linux' || process.env.PREPSTATION_NO_GSO === '1') {
    addon = null;
    return addon;
  }
  try {
    const require = createRequire(import.meta.url);
    addon = require(
      path.join(packageRoot(), 'native', 'build', 'Release', 'udp_gso.node'),
    ) as Addon;
  } catch {
    addon = null;
  }
  return addon;
}

/** The kernel's limits for one segmented send (UDP_MAX_SEGMENTS, an IPv4 datagram). */
export const gsoMaxSegments = 64;
export const gsoMaxBytes = 65_507;

const EAGAIN = -11;

/**
 * Sends `buf` as datagrams of `segment` bytes (the last may be shorter). Returns 'sent',
 * 'busy' (socket buffer full: send the ordinary way, which queues) or 'unsupported'.
 */
export function sendSegments(
  native: Addon,
  fd: number,
  buf: Buffer,
  segment: number,
  address: string,
  port: number,
): 'sent' | 'busy' | 'unsupported' {
  const n = native.sendSegments(fd, buf, segment, address, port);
  if (n >= 0) return 'sent';
  return n === EAGAIN ? 'busy' : 'unsupported';
}
