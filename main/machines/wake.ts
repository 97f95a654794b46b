import dgram from 'node:dgram';
import { listInterfaces, type NetworkInterfaceInfo } from '../settings/network.js';
import { normalizeMac } from './state.js';

/**
 * Wake-on-LAN for known machines: a magic packet (6 x 0xFF, then the MAC 16 times; AMD's
 * "Magic Packet" white paper, 1995) sent as UDP to the bench network's broadcast address
 * from the bench address, so it leaves by the bench interface and no other.
 */
export const WOL_PORT = 9;

export function magicPacket(mac: string): Buffer {
  const norm = normalizeMac(mac);
  if (!norm) throw new Error(`"${mac}" is not a MAC address`);
  const bytes = Buffer.from(norm.replace(/:/g, ''), 'hex');
  const out = Buffer.alloc(6 + 16 * 6, 0xff);
  for (let i = 0; i < 16; i++) bytes.copy(out, 6 + i * 6);
  return out;
}

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;
const toIp = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * The bench network's directed broadcast (192.168.50.255 for 192.168.50.1/24), from the
 * interface that holds the bench address; null when no interface holds it.
 */
export function benchBroadcast(
  benchAddress: string,
  interfaces: NetworkInterfaceInfo[] = listInterfaces(),
): string | null {
  for (const i of interfaces) {
    const a = i.addresses.find((x) => x.family === 'IPv4' && x.address === benchAddress);
    if (a) return toIp((toInt(a.address) | (~toInt(a.netmask) >>> 0)) >>> 0);
  }
  return null;
}

export interface WakeTarget {
  /** The bench address: the packet leaves from it. */
  from: string;
  to: string;
  port: number;
}

/** Sends one magic packet; resolves when the kernel took it. */
export function sendMagicPacket(mac: string, t: WakeTarget): Promise<void> {
  const packet = magicPacket(mac);
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const done = (err?: Error | null) => {
      sock.close();
      if (err) reject(err);
      else resolve();
    };
    sock.once('error', done);
    sock.bind({ address: t.from, port: 0 }, () => {
      sock.setBroadcast(true);
      sock.send(packet, t.port, t.to, (err) => done(err));
    });
  });
}
