import { nativeAddon } from '../../util/native-addon.js';

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

export function gsoAddon(): Addon | null {
  return nativeAddon<Addon>('udp_gso', 'PREPSTATION_NO_GSO');
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
