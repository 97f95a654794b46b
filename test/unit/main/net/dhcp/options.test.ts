import { describe, expect, it } from 'vitest';
import {
  encodeOptions,
  formatGuid,
  parseGuid,
  splitTlv,
  typedOptions,
  type DhcpOptions,
} from '../../../../../main/net/dhcp/options.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

/** [name, typed options, TLV bytes (no end byte)]: each row decodes and encodes both ways. */
const rows: [string, DhcpOptions, string][] = [
  ['53 message type', { messageType: 3 }, '3501 03'],
  ['54 server identifier', { serverId: '192.168.50.1' }, '3604 c0a83201'],
  ['51 lease time', { leaseTime: 14400 }, '3304 00003840'],
  ['1 subnet mask', { subnetMask: '255.255.255.0' }, '0104 ffffff00'],
  ['3 routers (two)', { routers: ['10.0.0.1', '10.0.0.2'] }, '0308 0a000001 0a000002'],
  ['6 DNS servers (two)', { dnsServers: ['10.0.0.53', '9.9.9.9'] }, '0608 0a000035 09090909'],
  ['42 NTP servers (one)', { ntpServers: ['10.0.0.123'] }, '2a04 0a00007b  # RFC 2132 §8.3'],
  ['12 hostname', { hostname: 'pc-17' }, `0c05 ${ascii('pc-17')}`],
  ['50 requested address', { requestedIp: '10.0.0.9' }, '3204 0a000009'],
  ['55 parameter request list', { parameterRequestList: [1, 3, 6, 66, 67] }, '3705 0103064243'],
  ['57 max message size', { maxMessageSize: 1260 }, '3902 04ec'],
  ['60 vendor class', { vendorClass: 'PXEClient' }, `3c09 ${ascii('PXEClient')}`],
  ['61 client id (type 1 + MAC)', { clientId: hex('01 525400770010') }, '3d07 01525400770010'],
  ['66 TFTP server name', { tftpServer: '10.0.0.1' }, `4208 ${ascii('10.0.0.1')}`],
  ['67 boot file', { bootFile: 'ipxe.efi' }, `4308 ${ascii('ipxe.efi')}`],
  ['77 user class, raw as iPXE sends it', { userClass: ['iPXE'] }, `4d04 ${ascii('iPXE')}`],
  [
    '77 user class, RFC 3004 items',
    { userClass: ['ab', 'c'] },
    `4d05 02${ascii('ab')} 01${ascii('c')}  # length-prefixed items`,
  ],
  ['93 client arch (x64 UEFI)', { clientArch: [7] }, '5d02 0007'],
  ['93 client arch (two)', { clientArch: [7, 0] }, '5d04 0007 0000'],
  ['94 client NDI (UNDI 2.1)', { clientNdi: { type: 1, major: 2, minor: 1 } }, '5e03 010201'],
  [
    '97 client UUID',
    { uuid: '03020100-0504-0706-0809-0a0b0c0d0e0f' },
    '6111 00  00010203 0405 0607 0809 0a0b0c0d0e0f  # type 0, then LE, LE, LE, BE, BE groups',
  ],
  [
    '43 PXE sub-options',
    {
      vendorOptions: new Map([
        [6, hex('08')],
        [71, hex('80000000')],
      ]),
    },
    '2b0a 060108  4704 80000000  ff  # 6 discovery control, 71 boot item, end',
  ],
  ['175 iPXE no-pxedhcp', { ipxe: new Map([[176, hex('01')]]) }, 'af04 b00101 ff'],
  ['unknown option 224 kept raw', { other: new Map([[224, hex('dead')]]) }, 'e002 dead'],
];

describe('options', () => {
  it.each(rows)('%s decodes', (_name, opts, bytes) => {
    expect(typedOptions(splitTlv(hex(bytes)))).toEqual(opts);
  });

  it.each(rows)('%s encodes', (_name, opts, bytes) => {
    expect(encodeOptions(opts).toString('hex')).toBe(hex(bytes).toString('hex'));
  });

  it('drops a trailing NUL from strings (some firmwares send one)', () => {
    expect(typedOptions(splitTlv(hex(`3c0a ${ascii('PXEClient')}00`)))).toEqual({
      vendorClass: 'PXEClient',
    });
  });

  it('accepts a 16-byte UUID without the type byte', () => {
    expect(typedOptions(splitTlv(hex('6110 00010203040506070809 0a0b0c0d0e0f'))).uuid).toBe(
      '03020100-0504-0706-0809-0a0b0c0d0e0f',
    );
  });

  it('keeps a 43 with broken sub-options raw', () => {
    expect(typedOptions(splitTlv(hex('2b03 0605 08'))).other).toEqual(
      new Map([[43, hex('060508')]]),
    );
  });

  it('stops at the end option and skips pad bytes', () => {
    expect(typedOptions(splitTlv(hex('00 00 3501 01 ff 3501 02')))).toEqual({ messageType: 1 });
  });

  it('round-trips GUIDs', () => {
    const g = 'a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90';
    expect(formatGuid(parseGuid(g))).toBe(g);
  });
});
