/**
 * Before full mode starts: is there already a DHCP server on the bench? Two answering
 * servers hand out clashing addresses, so full mode refuses to start if one offers.
 * Sends a DISCOVER (broadcast flag set, so the answer is a broadcast every socket on the
 * client port sees) from a made-up, locally administered MAC and waits for an OFFER.
 */
import crypto from 'node:crypto';
import { MessageType } from './options.js';
import { BOOTREQUEST, FLAG_BROADCAST, decode, encode, type DhcpPacket } from './packet.js';
import { BROADCAST } from './common.js';
import type { SocketOpener } from './socket.js';

export interface ProbeResult {
  /** The other server's identifier (option 54), or the address the offer came from. */
  server: string;
  from: string;
  offered: string;
}

export interface ProbeOptions {
  open: SocketOpener;
  iface?: string;
  serverPort: number;
  clientPort: number;
  /** dnsmasq pings an address (about 3 s) before it offers it, so wait longer than that. */
  waitMs?: number;
}

export function probeDiscover(mac: string, xid: number): DhcpPacket {
  return {
    op: BOOTREQUEST,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid,
    secs: 0,
    flags: FLAG_BROADCAST,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: mac,
    sname: '',
    file: '',
    dhcp: true,
    options: { messageType: MessageType.DISCOVER, parameterRequestList: [1, 3, 6, 54] },
  };
}

export async function probeForDhcpServer(opts: ProbeOptions): Promise<ProbeResult | null> {
  const rnd = crypto.randomBytes(7);
  // 02:... is a locally administered unicast MAC: never a real NIC's.
  const mac = [
    '02',
    '50',
    '53',
    ...[...rnd.subarray(0, 3)].map((b) => b.toString(16).padStart(2, '0')),
  ].join(':');
  const xid = rnd.readUInt32BE(3);
  const sock = await opts.open({ iface: opts.iface, address: '0.0.0.0', port: opts.clientPort });
  try {
    let retry: NodeJS.Timeout | undefined;
    const found = await new Promise<ProbeResult | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), opts.waitMs ?? 4500);
      sock.onMessage((msg, from) => {
        let p: DhcpPacket;
        try {
          p = decode(msg);
        } catch {
          return;
        }
        if (p.op !== 2 || p.xid !== xid || p.options.messageType !== MessageType.OFFER) return;
        clearTimeout(timer);
        resolve({
          server: p.options.serverId ?? from.address,
          from: from.address,
          offered: p.yiaddr,
        });
      });
      const packet = encode(probeDiscover(mac, xid));
      const send = (): void => {
        sock.send(packet, { address: BROADCAST, port: opts.serverPort }).catch(() => undefined);
      };
      send();
      // One retry, as a client would: a single lost broadcast must not hide a server.
      retry = setTimeout(send, Math.min(1500, (opts.waitMs ?? 4500) / 2));
    });
    clearTimeout(retry);
    return found;
  } finally {
    await sock.close();
  }
}
