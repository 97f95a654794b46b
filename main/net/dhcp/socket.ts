/**
 * UDP sockets for DHCP, one per bench interface, behind a small interface tests can fake.
 *
 * Linux: the native addon (native/) opens 0.0.0.0:<port> with SO_BINDTODEVICE, so the
 * socket sees only the bench segment's broadcasts; dgram wraps the fd. Windows: binding
 * the interface address is enough (Windows delivers limited broadcasts to it). macOS has no
 * SO_BINDTODEVICE for unprivileged sockets (IP_BOUND_IF needs native code we do not ship):
 * there we bind 0.0.0.0 and the station must have only the bench network connected.
 */
import dgram from 'node:dgram';
import os from 'node:os';
import { nativeAddon } from '../../util/native-addon.js';

export interface Remote {
  address: string;
  port: number;
}

export interface DhcpSocket {
  /** Where it listens, for the Services page, e.g. "udp 0.0.0.0:67 on ps3b0". */
  readonly description: string;
  onMessage(handler: (msg: Buffer, from: Remote) => void): void;
  send(msg: Buffer, to: Remote): Promise<void>;
  close(): Promise<void>;
}

export interface SocketSpec {
  /** Bench interface (Linux: SO_BINDTODEVICE). */
  iface?: string;
  /** Address to bind: 0.0.0.0 for broadcasts (Linux/macOS), the bench address on Windows. */
  address: string;
  port: number;
}

export type SocketOpener = (spec: SocketSpec) => Promise<DhcpSocket>;

type Addon = { openUdp4(ifname: string, address: string, port: number): number };
/** The SO_BINDTODEVICE addon, or null when it was not built (see native/build.mjs). */
export function boundSocketAddon(): Addon | null {
  return nativeAddon<Addon>('bound_socket');
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  const e = new Error(message) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export const openUdpSocket: SocketOpener = async (spec) => {
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let description = `udp ${spec.address}:${spec.port}`;
  const bound = new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.once('listening', () => {
      sock.off('error', reject);
      resolve();
    });
  });
  if (process.platform === 'linux' && spec.iface) {
    const native = boundSocketAddon();
    if (!native) {
      sock.close();
      throw errno('ENOADDON', 'the SO_BINDTODEVICE addon (native/) is not built');
    }
    let fd: number;
    try {
      fd = native.openUdp4(spec.iface, spec.address, spec.port);
    } catch (err) {
      sock.close();
      throw err;
    }
    sock.bind({ fd });
    description += ` on ${spec.iface}`;
  } else {
    sock.bind({ address: spec.address, port: spec.port });
  }
  await bound;
  sock.setBroadcast(true);
  const actual = sock.address();
  if (spec.port === 0) description = description.replace(/:0\b/, `:${actual.port}`);
  // A send to a gone client (ICMP unreachable) surfaces here; it must not kill the socket.
  sock.on('error', () => undefined);
  return {
    description,
    onMessage(handler) {
      sock.on('message', (msg, rinfo) =>
        handler(msg, { address: rinfo.address, port: rinfo.port }),
      );
    },
    send(msg, to) {
      return new Promise((resolve, reject) =>
        sock.send(msg, to.port, to.address, (err) => (err ? reject(err) : resolve())),
      );
    },
    close() {
      return new Promise((resolve) => {
        try {
          sock.close(() => resolve());
        } catch {
          resolve();
        }
      });
    },
  };
};

export interface BenchNetwork {
  address: string;
  iface: string | null;
  netmask: string;
}

/**
 * The bench interface and netmask for the chosen address (or the address of the chosen
 * interface). null when neither is on this station.
 */
export function findBenchNetwork(
  address: string | undefined,
  iface: string | undefined,
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): BenchNetwork | null {
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (iface && name !== iface) continue;
    for (const a of addrs ?? []) {
      if (a.family !== 'IPv4') continue;
      if (address && a.address !== address) continue;
      return { address: a.address, iface: name, netmask: a.netmask };
    }
  }
  return null;
}
