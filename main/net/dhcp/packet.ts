/**
 * The BOOTP/DHCP packet (RFC 951, RFC 2131 §2), pure: decode(buf) -> DhcpPacket, and
 * encode(packet) -> Buffer. decode throws DhcpDecodeError on a packet it cannot read; the
 * server catches that, logs it with the sender's address and goes on.
 */
import {
  DhcpDecodeError,
  bufferToIp,
  encodeOptions,
  ipToBuffer,
  splitTlv,
  typedOptions,
  type DhcpOptions,
} from './options.js';

export { DhcpDecodeError };

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
/** RFC 2131 §2: the top bit of flags asks the server to broadcast its reply. */
export const FLAG_BROADCAST = 0x8000;
const MAGIC = 0x63825363;
const FIXED = 236; // op .. file
/** RFC 1542 §2.1: BOOTP relays and old PXE ROMs drop replies shorter than 300 bytes. */
export const MIN_REPLY = 300;

export interface DhcpPacket {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Client hardware address, "aa:bb:cc:dd:ee:ff" for Ethernet (hlen bytes). */
  chaddr: string;
  sname: string;
  file: string;
  /** False for a plain BOOTP packet without the magic cookie (then options are empty). */
  dhcp: boolean;
  options: DhcpOptions;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul === -1 ? b.length : nul).toString('latin1');
}

export function decode(buf: Buffer): DhcpPacket {
  if (buf.length < FIXED) {
    throw new DhcpDecodeError(`packet is ${buf.length} bytes, shorter than BOOTP's ${FIXED}`);
  }
  const op = buf[0]!;
  if (op !== BOOTREQUEST && op !== BOOTREPLY) throw new DhcpDecodeError(`bad op ${op}`);
  const hlen = buf[2]!;
  if (hlen > 16) throw new DhcpDecodeError(`hardware address length ${hlen} is over 16`);
  const chaddr = [...buf.subarray(28, 28 + hlen)]
    .map((x) => x.toString(16).padStart(2, '0'))
    .join(':');
  const dhcp = buf.length >= FIXED + 4 && buf.readUInt32BE(FIXED) === MAGIC;
  const raw = dhcp ? splitTlv(buf.subarray(FIXED + 4)) : new Map<number, Buffer>();
  let sname = cString(buf.subarray(44, 108));
  let file = cString(buf.subarray(108, 236));
  // RFC 2132 §9.3: option 52 moves more options into file (1), sname (2) or both (3).
  const overload = raw.get(52)?.[0] ?? 0;
  if (overload === 1 || overload === 3) {
    splitTlv(buf.subarray(108, 236), raw);
    file = '';
  }
  if (overload === 2 || overload === 3) {
    splitTlv(buf.subarray(44, 108), raw);
    sname = '';
  }
  return {
    op,
    htype: buf[1]!,
    hlen,
    hops: buf[3]!,
    xid: buf.readUInt32BE(4),
    secs: buf.readUInt16BE(8),
    flags: buf.readUInt16BE(10),
    ciaddr: bufferToIp(buf, 12),
    yiaddr: bufferToIp(buf, 16),
    siaddr: bufferToIp(buf, 20),
    giaddr: bufferToIp(buf, 24),
    chaddr,
    sname,
    file,
    dhcp,
    options: typedOptions(raw),
  };
}

/** Encodes a packet; replies are padded to the 300-byte BOOTP minimum. */
export function encode(p: DhcpPacket): Buffer {
  const head = Buffer.alloc(FIXED);
  head[0] = p.op;
  head[1] = p.htype;
  head[2] = p.hlen;
  head[3] = p.hops;
  head.writeUInt32BE(p.xid >>> 0, 4);
  head.writeUInt16BE(p.secs, 8);
  head.writeUInt16BE(p.flags, 10);
  ipToBuffer(p.ciaddr).copy(head, 12);
  ipToBuffer(p.yiaddr).copy(head, 16);
  ipToBuffer(p.siaddr).copy(head, 20);
  ipToBuffer(p.giaddr).copy(head, 24);
  macToBuffer(p.chaddr).subarray(0, 16).copy(head, 28);
  writeField(head, 44, 64, p.sname, 'sname');
  writeField(head, 108, 128, p.file, 'file');
  const parts: Buffer[] = [head];
  if (p.dhcp) {
    const magic = Buffer.alloc(4);
    magic.writeUInt32BE(MAGIC);
    parts.push(magic, encodeOptions(p.options), Buffer.from([255]));
  }
  const out = Buffer.concat(parts);
  if (out.length >= MIN_REPLY || p.op !== BOOTREPLY) return out;
  return Buffer.concat([out, Buffer.alloc(MIN_REPLY - out.length)]);
}

function writeField(into: Buffer, at: number, size: number, value: string, name: string): void {
  const b = Buffer.from(value, 'latin1');
  // The field needs a terminating NUL; a longer value belongs in option 67/66 instead.
  if (b.length >= size) throw new RangeError(`${name} is ${b.length} bytes, at most ${size - 1}`);
  b.copy(into, at);
}

export function macToBuffer(mac: string): Buffer {
  if (mac === '') return Buffer.alloc(0);
  return Buffer.from(mac.split(':').map((x) => parseInt(x, 16)));
}

/** A reply skeleton for a request: same xid, flags, giaddr and chaddr (RFC 2131 table 3). */
export function replyTo(req: DhcpPacket): DhcpPacket {
  return {
    op: BOOTREPLY,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags: req.flags,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: req.giaddr,
    chaddr: req.chaddr,
    sname: '',
    file: '',
    dhcp: true,
    options: {},
  };
}
