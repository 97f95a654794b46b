import { describe, expect, it } from 'vitest';
import { MessageType } from '../../../../../main/net/dhcp/options.js';
import {
  DhcpDecodeError,
  MIN_REPLY,
  decode,
  encode,
  replyTo,
  type DhcpPacket,
} from '../../../../../main/net/dhcp/packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');
const zeros = (n: number): string => '00'.repeat(n);

/** The fixed BOOTP header of a PXE ROM's DISCOVER, one byte group per line. */
const pxeDiscoverHead = `
  01                # op: BOOTREQUEST
  01                # htype: Ethernet
  06                # hlen: 6
  00                # hops
  5a1b2c3d          # xid
  0004              # secs: 4
  8000              # flags: broadcast
  00000000          # ciaddr
  00000000          # yiaddr
  00000000          # siaddr
  00000000          # giaddr
  525400770010 ${zeros(10)}  # chaddr 52:54:00:77:00:10 + 10 bytes pad
  ${zeros(64)}      # sname
  ${zeros(128)}     # file
  63825363          # magic cookie
`;

const pxeDiscoverOptions = `
  3501 01                                   # 53 message type: DISCOVER
  3704 01033c43                             # 55 parameter request list: 1 3 60 67
  3c20 ${Buffer.from('PXEClient:Arch:00007:UNDI:003016').toString('hex')}  # 60 vendor class (32 bytes)
  5d02 0007                                 # 93 client arch: x64 UEFI
  5e03 010300                               # 94 client NDI: UNDI 3.0
  6111 00 33221100 5544 7766 8899 aabbccddeeff  # 97 UUID: type 0 + GUID (first 3 groups LE)
  00 00                                     # pad bytes
  ff                                        # end
`;

const pxeDiscover: DhcpPacket = {
  op: 1,
  htype: 1,
  hlen: 6,
  hops: 0,
  xid: 0x5a1b2c3d,
  secs: 4,
  flags: 0x8000,
  ciaddr: '0.0.0.0',
  yiaddr: '0.0.0.0',
  siaddr: '0.0.0.0',
  giaddr: '0.0.0.0',
  chaddr: '52:54:00:77:00:10',
  sname: '',
  file: '',
  dhcp: true,
  options: {
    messageType: MessageType.DISCOVER,
    parameterRequestList: [1, 3, 60, 67],
    vendorClass: 'PXEClient:Arch:00007:UNDI:003016',
    clientArch: [7],
    clientNdi: { type: 1, major: 3, minor: 0 },
    uuid: '00112233-4455-6677-8899-aabbccddeeff',
  },
};

describe('decode', () => {
  it('reads a PXE ROM DISCOVER byte by byte', () => {
    expect(decode(hex(pxeDiscoverHead + pxeDiscoverOptions))).toEqual(pxeDiscover);
  });

  it('reads options moved into file and sname by option 52 (overload = 3)', () => {
    const buf = hex(pxeDiscoverHead + '3501 03  3401 03  ff');
    buf[108] = 12; // file: 12 hostname "pc1"
    buf[109] = 3;
    buf.write('pc1', 110, 'latin1');
    buf[111 + 2] = 255;
    buf[44] = 0x0f; // sname: 15 domain name "bench"
    buf[45] = 5;
    buf.write('bench', 46, 'latin1');
    buf[51] = 255;
    const p = decode(buf);
    expect(p.options).toMatchObject({
      messageType: MessageType.REQUEST,
      overload: 3,
      hostname: 'pc1',
      domainName: 'bench',
    });
    expect(p.file).toBe('');
    expect(p.sname).toBe('');
  });

  it('reads a BOOTP packet without the magic cookie as one without options', () => {
    const p = decode(hex(pxeDiscoverHead).subarray(0, 236));
    expect(p.dhcp).toBe(false);
    expect(p.options).toEqual({});
  });

  it('keeps unknown options and malformed known ones raw instead of failing', () => {
    const p = decode(hex(pxeDiscoverHead + '3501 01  f003 010203  3302 0001  ff'));
    expect(p.options.messageType).toBe(1);
    expect(p.options.other).toEqual(
      new Map([
        [0xf0, Buffer.from([1, 2, 3])], // unknown option 240
        [51, Buffer.from([0, 1])], // lease time must be 4 bytes
      ]),
    );
  });

  it('concatenates an option split in two (RFC 3396)', () => {
    const p = decode(hex(pxeDiscoverHead + '4302 6162  4302 6364  ff'.replace(/43/g, '0c')));
    expect(p.options.hostname).toBe('abcd');
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['shorter than the BOOTP header', hex(pxeDiscoverHead).subarray(0, 235)],
    ['bad op', Buffer.concat([Buffer.from([9]), hex(pxeDiscoverHead).subarray(1)])],
    ['hlen over 16', Buffer.concat([hex('0101 11'), hex(pxeDiscoverHead).subarray(3)])],
    ['option longer than the packet', hex(pxeDiscoverHead + '3501 01  3c20 5058')],
    ['option without its length byte', hex(pxeDiscoverHead + '3501 01  3c')],
  ])('throws DhcpDecodeError for %s', (_name, buf) => {
    expect(() => decode(buf)).toThrow(DhcpDecodeError);
  });
});

describe('encode', () => {
  it('round-trips the PXE DISCOVER', () => {
    expect(decode(encode(pxeDiscover))).toEqual(pxeDiscover);
  });

  it('writes 53 and 54 first, then the rest, and pads a reply to 300 bytes', () => {
    const reply = replyTo(pxeDiscover);
    reply.siaddr = '10.33.0.1';
    reply.file = 'undionly.kpxe';
    reply.options = {
      bootFile: 'undionly.kpxe',
      serverId: '10.33.0.1',
      messageType: MessageType.OFFER,
      vendorClass: 'PXEClient',
      vendorOptions: new Map([[6, Buffer.from([8])]]),
      ipxe: new Map([[176, Buffer.from([1])]]),
    };
    const buf = encode(reply);
    expect(buf.length).toBe(MIN_REPLY);
    expect(buf[0]).toBe(2); // BOOTREPLY
    expect(buf.subarray(4, 8)).toEqual(hex('5a1b2c3d')); // same xid
    expect(buf.subarray(10, 12)).toEqual(hex('8000')); // flags copied
    expect(buf.subarray(20, 24)).toEqual(hex('0a210001')); // siaddr 10.33.0.1
    expect(buf.subarray(108, 122).toString('latin1')).toBe('undionly.kpxe\0');
    expect(buf.subarray(236)).toEqual(
      hex(`
        63825363                              # magic cookie
        3501 02                               # 53 message type: OFFER
        3604 0a210001                         # 54 server id 10.33.0.1
        3c09 ${Buffer.from('PXEClient').toString('hex')}  # 60 vendor class "PXEClient"
        430d ${Buffer.from('undionly.kpxe').toString('hex')}  # 67 boot file
        2b04 0601 08 ff                       # 43 PXE: sub 6 (discovery control) = 8, end
        af04 b001 01 ff                       # 175 iPXE: sub 176 (no-pxedhcp) = 1, end
        ff                                    # end
        ${zeros(12)}                          # pad to the 300-byte BOOTP minimum
      `),
    );
    const opts = decode(buf).options;
    expect(opts.vendorOptions).toEqual(new Map([[6, Buffer.from([8])]]));
    expect(opts.ipxe).toEqual(new Map([[176, Buffer.from([1])]]));
  });

  it('splits an option over 255 bytes into several (RFC 3396)', () => {
    const long = 'x'.repeat(300);
    const p = { ...pxeDiscover, options: { bootFile: long } };
    const buf = encode(p);
    expect(buf.includes(Buffer.concat([hex('43ff'), Buffer.from('x'.repeat(255))]))).toBe(true);
    expect(buf.includes(Buffer.concat([hex('432d'), Buffer.from('x'.repeat(45))]))).toBe(true);
    expect(decode(buf).options.bootFile).toBe(long);
  });

  it('refuses a file name that does not fit the 128-byte field', () => {
    expect(() => encode({ ...pxeDiscover, file: 'f'.repeat(128) })).toThrow(RangeError);
  });
});
