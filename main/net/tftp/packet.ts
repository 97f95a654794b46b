/**
 * TFTP packet codec (RFC 1350, options RFC 2347). Pure: Buffer in, object out, and back.
 * Option names are case-insensitive (RFC 2347), so decode lowercases them.
 */

import { assertNever } from '../../util/assert-never.js';

export const Opcode = { rrq: 1, wrq: 2, data: 3, ack: 4, error: 5, oack: 6 } as const;

/** RFC 1350 §5 error codes, plus 8 from RFC 2347. */
export const ErrorCode = {
  notDefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTid: 5,
  fileExists: 6,
  noSuchUser: 7,
  optionRefused: 8,
} as const;

export type TftpOptions = Record<string, string>;

export type TftpPacket =
  | { op: 'rrq' | 'wrq'; filename: string; mode: string; options: TftpOptions }
  | { op: 'data'; block: number; data: Buffer }
  | { op: 'ack'; block: number }
  | { op: 'error'; code: number; message: string }
  | { op: 'oack'; options: TftpOptions };

export class TftpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TftpDecodeError';
  }
}

const opNames = ['', 'rrq', 'wrq', 'data', 'ack', 'error', 'oack'] as const;

/** Splits NUL-terminated strings; a trailing field without NUL is malformed. */
function cstrings(buf: Buffer, from: number): string[] {
  const out: string[] = [];
  let start = from;
  while (start < buf.length) {
    const end = buf.indexOf(0, start);
    if (end < 0) throw new TftpDecodeError('string field is not NUL-terminated');
    // latin1 keeps every byte as one char, so a hostile name cannot hide behind UTF-8 decoding.
    out.push(buf.toString('latin1', start, end));
    start = end + 1;
  }
  return out;
}

function optionsFrom(fields: string[], what: string): TftpOptions {
  if (fields.length % 2 !== 0) throw new TftpDecodeError(`${what}: option without a value`);
  const options: TftpOptions = {};
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!.toLowerCase();
    if (name === '') throw new TftpDecodeError(`${what}: empty option name`);
    // RFC 2347 does not allow repeats; keep the first, like tftpd-hpa.
    if (!(name in options)) options[name] = fields[i + 1]!;
  }
  return options;
}

export function decode(buf: Buffer): TftpPacket {
  if (buf.length < 2) throw new TftpDecodeError(`packet too short (${buf.length} bytes)`);
  const code = buf.readUInt16BE(0);
  const op = opNames[code];
  switch (op) {
    case 'rrq':
    case 'wrq': {
      const fields = cstrings(buf, 2);
      if (fields.length < 2) throw new TftpDecodeError(`${op}: missing filename or mode`);
      const [filename, mode, ...rest] = fields as [string, string, ...string[]];
      return { op, filename, mode: mode.toLowerCase(), options: optionsFrom(rest, op) };
    }
    case 'data':
      if (buf.length < 4) throw new TftpDecodeError('data: missing block number');
      return { op, block: buf.readUInt16BE(2), data: buf.subarray(4) };
    case 'ack':
      if (buf.length < 4) throw new TftpDecodeError('ack: missing block number');
      return { op, block: buf.readUInt16BE(2) };
    case 'error': {
      if (buf.length < 4) throw new TftpDecodeError('error: missing error code');
      // Some clients omit the final NUL of the message; be lenient here, it ends the transfer.
      const end = buf.indexOf(0, 4);
      const message = buf.toString('latin1', 4, end < 0 ? buf.length : end);
      return { op, code: buf.readUInt16BE(2), message };
    }
    case 'oack':
      return { op, options: optionsFrom(cstrings(buf, 2), 'oack') };
    default:
      throw new TftpDecodeError(`unknown opcode ${code}`);
  }
}

function cstr(s: string): Buffer {
  return Buffer.from(s + '\0', 'latin1');
}

function header(op: number, n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt16BE(op, 0);
  b.writeUInt16BE(n & 0xffff, 2);
  return b;
}

function optionBytes(options: TftpOptions): Buffer[] {
  return Object.entries(options).flatMap(([k, v]) => [cstr(k), cstr(v)]);
}

export function encode(p: TftpPacket): Buffer {
  switch (p.op) {
    case 'rrq':
    case 'wrq': {
      const op = Buffer.alloc(2);
      op.writeUInt16BE(Opcode[p.op], 0);
      return Buffer.concat([op, cstr(p.filename), cstr(p.mode), ...optionBytes(p.options)]);
    }
    case 'data':
      return Buffer.concat([header(Opcode.data, p.block), p.data]);
    case 'ack':
      return header(Opcode.ack, p.block);
    case 'error':
      return Buffer.concat([header(Opcode.error, p.code), cstr(p.message)]);
    case 'oack': {
      const op = Buffer.alloc(2);
      op.writeUInt16BE(Opcode.oack, 0);
      return Buffer.concat([op, ...optionBytes(p.options)]);
    }
    default:
      return assertNever(p, 'packet');
  }
}

/** The 4-byte DATA header alone: the server sends it with the file bytes as a second buffer. */
export function dataHeader(block: number): Buffer {
  return header(Opcode.data, block);
}
