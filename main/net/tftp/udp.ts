import dgram from 'node:dgram';

/** The few things the TFTP server needs from a UDP socket; tests can pass a fake. */
export interface UdpSocket {
  send(chunks: Buffer[], port: number, address: string): void;
  onMessage(handler: (msg: Buffer, from: { address: string; port: number }) => void): void;
  /** Port the socket is bound to. */
  port(): number;
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
        close() {
          if (closed) return;
          closed = true;
          sock.close();
        },
      });
    });
  });
