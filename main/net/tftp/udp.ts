import dgram from 'node:dgram';

/** The few things the TFTP server needs from a UDP socket; tests can pass a fake. */
export interface UdpSocket {
  send(chunks: Buffer[], port: number, address: string): void;
  onMessage(handler: (msg: Buffer, from: { address: string; port: number }) => void): void;
  /** Port the socket is bound to. */
  port(): number;
  /** The OS descriptor, where there is one (for segmentation offload, see gso.ts). */
  fd?(): number | null;
  close(): void;
}

export type OpenUdp = (host: string, port: number) => Promise<UdpSocket>;

/** Opens a real IPv4 UDP socket; rejects with the bind error (EADDRINUSE, EACCES...). */
export const openUdp: OpenUdp = (host, port) =>
  new Promise((resolve, reject) => {
    const sock = dgram.createSocket({
      type: 'udp4',
      reuseAddr: false,
      // We only ever send to the IPv4 address a packet came from: skip dns.lookup and its
      // extra event-loop turn on every one of the tens of thousands of sends per file.
      lookup: (host, _opts, cb) => cb(null, host, 4),
    });
    let bound = false;
    let closed = false;
    sock.once('error', (err) => {
      if (!bound) {
        sock.close();
        reject(err);
      }
    });
    sock.bind(port, host, () => {
      bound = true;
      // After bind, errors (ICMP unreachable surfacing as ECONNREFUSED) must not crash.
      sock.on('error', () => undefined);
      resolve({
        send(chunks, toPort, address) {
          if (closed) return;
          // No callback: with one, Node queues a nextTick per datagram even when the send
          // completed at once. A failed send is a lost datagram; the transfer's timeout
          // resends it, as for any loss on the wire.
          sock.send(chunks, toPort, address);
        },
        onMessage(handler) {
          sock.on('message', (msg, rinfo) =>
            handler(msg, { address: rinfo.address, port: rinfo.port }),
          );
        },
        port: () => sock.address().port,
        fd: () => udpFd(sock),
        close() {
          if (closed) return;
          closed = true;
          sock.close();
        },
      });
    });
  });

/**
 * The descriptor under a dgram socket. Node has no public getter; `_handle` works but
 * prints a deprecation warning (DEP0112), so this reads the same handle through dgram's
 * state symbol. Null if a Node version moves it (then windows are sent packet by packet).
 */
function udpFd(sock: dgram.Socket): number | null {
  const state = Object.getOwnPropertySymbols(sock).find((s) => s.description === 'state symbol');
  const handle = state
    ? (sock as unknown as Record<symbol, { handle?: { fd?: unknown } } | undefined>)[state]?.handle
    : undefined;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}
