/**
 * DHCP options (RFC 2132 and the PXE/iPXE ones), typed. Pure: Buffers in, objects out and
 * back. The packet codec (packet.ts) calls decodeOptions / encodeOptions on the options
 * area; nothing here throws on an unknown option, it is kept as raw bytes.
 */

export class DhcpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DhcpDecodeError';
  }
}

export const MessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeCode = (typeof MessageType)[MessageTypeName];

export function messageTypeName(code: number | undefined): MessageTypeName | 'unknown' {
  const hit = Object.entries(MessageType).find(([, v]) => v === code);
  return hit ? (hit[0] as MessageTypeName) : 'unknown';
}

/** Sub-options of 43 (PXE spec 2.1 §2.4) and 175 (iPXE): code -> raw bytes. */
export type Encapsulated = Map<number, Buffer>;

export interface DhcpOptions {
  subnetMask?: string; // 1
  routers?: string[]; // 3
  dnsServers?: string[]; // 6
  hostname?: string; // 12
  domainName?: string; // 15
  broadcastAddress?: string; // 28
  ntpServers?: string[]; // 42
  /** 43: vendor-specific; encapsulated PXE sub-options when the vendor class is PXEClient. */
  vendorOptions?: Encapsulated;
  requestedIp?: string; // 50
  leaseTime?: number; // 51, seconds
  /** 52 (RFC 2132 §9.3): read only; the codec has already merged file/sname options. */
  overload?: number;
  messageType?: number; // 53
  serverId?: string; // 54
  parameterRequestList?: number[]; // 55
  message?: string; // 56
  maxMessageSize?: number; // 57
  renewalTime?: number; // 58
  rebindingTime?: number; // 59
  vendorClass?: string; // 60, e.g. "PXEClient:Arch:00007:UNDI:003016"
  clientId?: Buffer; // 61
  tftpServer?: string; // 66
  bootFile?: string; // 67
  /** 77: RFC 3004 items, or one raw string (iPXE sends a bare "iPXE", not RFC 3004). */
  userClass?: string[];
  clientArch?: number[]; // 93 (RFC 4578 §2.1), one u16 per supported arch
  clientNdi?: { type: number; major: number; minor: number }; // 94
  /** 97 (RFC 4578 §2.2): type 0 + 16 bytes, shown as a GUID string. */
  uuid?: string;
  /** 175: iPXE's encapsulated options (176 = no-pxedhcp, 177 = bus id, ...). */
  ipxe?: Encapsulated;
  /** Everything else, by code, raw; encoded back as it came. */
  other?: Map<number, Buffer>;
}

type Kind =
  | 'ip'
  | 'ips'
  | 'u8'
  | 'u16'
  | 'u32'
  | 'text'
  | 'bytes'
  | 'u8list'
  | 'u16list'
  | 'encap'
  | 'userClass'
  | 'ndi'
  | 'uuid';

/** Order is the order replies carry them in (53 and 54 first: some PXE ROMs insist). */
const table: [code: number, key: keyof DhcpOptions, kind: Kind][] = [
  [53, 'messageType', 'u8'],
  [54, 'serverId', 'ip'],
  [51, 'leaseTime', 'u32'],
  [58, 'renewalTime', 'u32'],
  [59, 'rebindingTime', 'u32'],
  [1, 'subnetMask', 'ip'],
  [3, 'routers', 'ips'],
  [6, 'dnsServers', 'ips'],
  [12, 'hostname', 'text'],
  [15, 'domainName', 'text'],
  [28, 'broadcastAddress', 'ip'],
  [42, 'ntpServers', 'ips'],
  [50, 'requestedIp', 'ip'],
  [52, 'overload', 'u8'],
  [55, 'parameterRequestList', 'u8list'],
  [56, 'message', 'text'],
  [57, 'maxMessageSize', 'u16'],
  [60, 'vendorClass', 'text'],
  [61, 'clientId', 'bytes'],
  [66, 'tftpServer', 'text'],
  [67, 'bootFile', 'text'],
  [77, 'userClass', 'userClass'],
  [93, 'clientArch', 'u16list'],
  [94, 'clientNdi', 'ndi'],
  [97, 'uuid', 'uuid'],
  [43, 'vendorOptions', 'encap'],
  [175, 'ipxe', 'encap'],
];
const byCode = new Map(table.map(([code, key, kind]) => [code, { key, kind }]));

export function ipToBuffer(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) {
    throw new TypeError(`not an IPv4 address: ${ip}`);
  }
  return Buffer.from(parts);
}

export function bufferToIp(b: Buffer, at = 0): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** Splits a TLV area (options, or sub-options of 43/175) into code -> bytes. */
export function splitTlv(buf: Buffer, into = new Map<number, Buffer>()): Map<number, Buffer> {
  let i = 0;
  while (i < buf.length) {
    const code = buf[i]!;
    if (code === 0) {
      i++; // pad
      continue;
    }
    if (code === 255) break; // end
    if (i + 1 >= buf.length) throw new DhcpDecodeError(`option ${code} has no length byte`);
    const len = buf[i + 1]!;
    if (i + 2 + len > buf.length) {
      throw new DhcpDecodeError(`option ${code} claims ${len} bytes, ${buf.length - i - 2} left`);
    }
    const value = buf.subarray(i + 2, i + 2 + len);
    // RFC 3396: an option that appears twice is one long option, concatenated.
    const prev = into.get(code);
    into.set(code, prev ? Buffer.concat([prev, value]) : Buffer.from(value));
    i += 2 + len;
  }
  return into;
}

/** code, length, value; values over 255 bytes are split into several instances (RFC 3396). */
export function joinTlv(entries: Iterable<[number, Buffer]>): Buffer {
  const out: Buffer[] = [];
  for (const [code, value] of entries) {
    let at = 0;
    do {
      const chunk = value.subarray(at, at + 255);
      out.push(Buffer.from([code, chunk.length]), chunk);
      at += 255;
    } while (at < value.length);
  }
  return Buffer.concat(out);
}

function decodeValue(kind: Kind, v: Buffer, code: number): unknown {
  const need = (ok: boolean): void => {
    if (!ok) throw new DhcpDecodeError(`option ${code} has a bad length (${v.length})`);
  };
  switch (kind) {
    case 'ip':
      need(v.length === 4);
      return bufferToIp(v);
    case 'ips':
      need(v.length > 0 && v.length % 4 === 0);
      return Array.from({ length: v.length / 4 }, (_, i) => bufferToIp(v, i * 4));
    case 'u8':
      need(v.length === 1);
      return v[0];
    case 'u16':
      need(v.length === 2);
      return v.readUInt16BE(0);
    case 'u32':
      need(v.length === 4);
      return v.readUInt32BE(0);
    case 'text':
      // Some firmwares NUL-terminate strings; the NUL is not part of the value.
      return v.toString('latin1').replace(/\0+$/, '');
    case 'bytes':
      return Buffer.from(v);
    case 'u8list':
      return [...v];
    case 'u16list':
      need(v.length > 0 && v.length % 2 === 0);
      return Array.from({ length: v.length / 2 }, (_, i) => v.readUInt16BE(i * 2));
    case 'encap':
      return splitTlv(v);
    case 'userClass':
      return decodeUserClass(v);
    case 'ndi':
      need(v.length === 3);
      return { type: v[0]!, major: v[1]!, minor: v[2]! };
    case 'uuid':
      // RFC 4578 §2.2: type 0 then 16 bytes. Some ROMs send the 16 bytes alone.
      need(v.length === 17 || v.length === 16);
      return formatGuid(v.subarray(v.length - 16));
  }
}

function decodeUserClass(v: Buffer): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < v.length) {
    const len = v[i]!;
    if (len === 0 || i + 1 + len > v.length) return [v.toString('latin1')];
    items.push(v.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return items.length > 0 ? items : [v.toString('latin1')];
}

function encodeValue(kind: Kind, value: unknown): Buffer {
  switch (kind) {
    case 'ip':
      return ipToBuffer(value as string);
    case 'ips':
      return Buffer.concat((value as string[]).map(ipToBuffer));
    case 'u8':
      return Buffer.from([value as number]);
    case 'u16': {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(value as number);
      return b;
    }
    case 'u32': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(value as number);
      return b;
    }
    case 'text':
      return Buffer.from(value as string, 'latin1');
    case 'bytes':
      return value as Buffer;
    case 'u8list':
      return Buffer.from(value as number[]);
    case 'u16list': {
      const list = value as number[];
      const b = Buffer.alloc(list.length * 2);
      list.forEach((n, i) => b.writeUInt16BE(n, i * 2));
      return b;
    }
    case 'encap':
      return Buffer.concat([joinTlv(value as Encapsulated), Buffer.from([255])]);
    case 'userClass': {
      const items = value as string[];
      // A single item goes out raw, as iPXE sends it; several as RFC 3004 items.
      if (items.length === 1) return Buffer.from(items[0]!, 'latin1');
      return Buffer.concat(
        items.map((s) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')])),
      );
    }
    case 'ndi': {
      const n = value as { type: number; major: number; minor: number };
      return Buffer.from([n.type, n.major, n.minor]);
    }
    case 'uuid':
      return Buffer.concat([Buffer.from([0]), parseGuid(value as string)]);
  }
}

/**
 * SMBIOS/PXE UUIDs store the first three groups little-endian; shown the way dmidecode and
 * the firmware setup screen show them, so a technician can match them.
 */
export function formatGuid(b: Buffer): string {
  const h = (from: number, to: number, rev: boolean): string => {
    const part = [...b.subarray(from, to)];
    return (rev ? part.reverse() : part).map((x) => x.toString(16).padStart(2, '0')).join('');
  };
  return [h(0, 4, true), h(4, 6, true), h(6, 8, true), h(8, 10, false), h(10, 16, false)].join('-');
}

export function parseGuid(s: string): Buffer {
  const groups = s.split('-');
  if (groups.length !== 5 || !/^[0-9a-f-]{36}$/i.test(s)) throw new TypeError(`bad GUID ${s}`);
  const bytes = (g: string, rev: boolean): number[] => {
    const arr = g.match(/../g)!.map((x) => parseInt(x, 16));
    return rev ? arr.reverse() : arr;
  };
  return Buffer.from([
    ...bytes(groups[0]!, true),
    ...bytes(groups[1]!, true),
    ...bytes(groups[2]!, true),
    ...bytes(groups[3]!, false),
    ...bytes(groups[4]!, false),
  ]);
}

/** Raw code -> bytes map to typed options. Options with a bad value are kept raw in `other`. */
export function typedOptions(raw: Map<number, Buffer>): DhcpOptions {
  const out: DhcpOptions = {};
  const rec = out as Record<string, unknown>;
  for (const [code, value] of raw) {
    const known = byCode.get(code);
    if (known) {
      try {
        rec[known.key] = decodeValue(known.kind, value, code);
        continue;
      } catch (err) {
        if (!(err instanceof DhcpDecodeError)) throw err;
        // A malformed known option must not cost us the whole request: keep it raw.
      }
    }
    (out.other ??= new Map()).set(code, value);
  }
  return out;
}

/** Typed options to TLV bytes (no end byte): 53, 54 first, then table order, then `other`. */
export function encodeOptions(opts: DhcpOptions): Buffer {
  const entries: [number, Buffer][] = [];
  const rec = opts as Record<string, unknown>;
  for (const [code, key, kind] of table) {
    const v = rec[key];
    if (v === undefined || key === 'overload') continue;
    entries.push([code, encodeValue(kind, v)]);
  }
  for (const [code, v] of opts.other ?? []) entries.push([code, v]);
  return joinTlv(entries);
}
