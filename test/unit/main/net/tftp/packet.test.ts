import { describe, expect, it } from 'vitest';
import {
  decode,
  encode,
  TftpDecodeError,
  type TftpPacket,
} from '../../../../../main/net/tftp/packet.js';

const b = (...parts: (number[] | string)[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

describe('TFTP codec', () => {
  const rows: [string, TftpPacket, Buffer][] = [
    [
      'RRQ without options',
      { op: 'rrq', filename: 'undionly.kpxe', mode: 'octet', options: {} },
      b([0, 1], 'undionly.kpxe\0', 'octet\0'), // opcode 1 | filename NUL | mode NUL
    ],
    [
      'RRQ with blksize, tsize, windowsize (RFC 2347 option pairs)',
      {
        op: 'rrq',
        filename: 'ipxe.efi',
        mode: 'octet',
        options: { blksize: '1468', tsize: '0', windowsize: '16' },
      },
      b(
        [0, 1], // opcode RRQ
        'ipxe.efi\0', // filename
        'octet\0', // mode
        'blksize\0',
        '1468\0', // RFC 2348
        'tsize\0',
        '0\0', // RFC 2349
        'windowsize\0',
        '16\0', // RFC 7440
      ),
    ],
    ['DATA block 1', { op: 'data', block: 1, data: Buffer.from('abc') }, b([0, 3], [0, 1], 'abc')],
    [
      'DATA empty last block',
      { op: 'data', block: 65535, data: Buffer.alloc(0) },
      b([0, 3], [0xff, 0xff]),
    ],
    ['ACK 0 (acknowledges an OACK)', { op: 'ack', block: 0 }, b([0, 4], [0, 0])],
    ['ACK 258', { op: 'ack', block: 258 }, b([0, 4], [1, 2])],
    [
      'ERROR 1 file not found',
      { op: 'error', code: 1, message: 'file not found' },
      b([0, 5], [0, 1], 'file not found\0'), // opcode | code | message NUL
    ],
    [
      'OACK',
      { op: 'oack', options: { blksize: '1468', tsize: '74213' } },
      b([0, 6], 'blksize\0', '1468\0', 'tsize\0', '74213\0'),
    ],
  ];

  it.each(rows)('%s: encodes to the bytes and decodes back', (_name, packet, bytes) => {
    expect(encode(packet).equals(bytes)).toBe(true);
    expect(decode(bytes)).toEqual(packet);
  });

  it('lowercases option names and mode (RFC 2347: case-insensitive)', () => {
    const p = decode(b([0, 1], 'f\0', 'OCTET\0', 'BlkSize\0', '1024\0', 'TSIZE\0', '0\0'));
    expect(p).toEqual({
      op: 'rrq',
      filename: 'f',
      mode: 'octet',
      options: { blksize: '1024', tsize: '0' },
    });
  });

  it('keeps the first of repeated options', () => {
    const p = decode(b([0, 1], 'f\0', 'octet\0', 'blksize\0', '1024\0', 'BLKSIZE\0', '8\0'));
    expect(p.op === 'rrq' && p.options.blksize).toBe('1024');
  });

  it('accepts an ERROR without its final NUL', () => {
    expect(decode(b([0, 5], [0, 8], 'abort'))).toEqual({ op: 'error', code: 8, message: 'abort' });
  });

  it.each([
    ['empty', b()],
    ['one byte', b([0])],
    ['unknown opcode 9', b([0, 9], [0, 0])],
    ['opcode 0', b([0, 0])],
    ['RRQ without NUL after the name', b([0, 1], 'name')],
    ['RRQ without mode', b([0, 1], 'name\0')],
    ['RRQ option without value', b([0, 1], 'f\0', 'octet\0', 'blksize\0')],
    ['RRQ with empty option name', b([0, 1], 'f\0', 'octet\0', '\0', '5\0')],
    ['ACK without block', b([0, 4], [1])],
    ['DATA without block', b([0, 3])],
  ])('rejects %s with TftpDecodeError', (_name, bytes) => {
    expect(() => decode(bytes)).toThrow(TftpDecodeError);
  });

  it('wraps block numbers to 16 bits on the wire', () => {
    expect(encode({ op: 'ack', block: 65536 }).equals(b([0, 4], [0, 0]))).toBe(true);
  });
});
