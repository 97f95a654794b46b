/**
 * The WIM file header (wimlib's `wim_header_disk`, Microsoft's WIMHEADER_V1_PACKED): the
 * same 208 bytes start a .wim, a solid .esd and every part of a split .swm. We read only
 * what the media library needs: the part numbers and where the XML resource lies.
 *
 *   0  ImageTag "MSWIM\0\0\0" (pipable: "WLPWM\0\0\0")   8  cbSize (208)
 *  12  dwVersion (0x10d00; 0xe00 for solid ESD)          16  dwFlags
 *  20  chunk size                                         24  GUID (16)
 *  40  usPartNumber (u16)   42 usTotalParts (u16)         44  image count
 *  48  offset table reshdr  72 XML reshdr   96 boot metadata reshdr   120 boot index
 * 124  integrity reshdr    148 unused (60)
 * A reshdr is 24 bytes: 7-byte stored size + 1 flag byte, u64 offset, u64 original size.
 */

export const WIM_HEADER_SIZE = 208;

export interface ResourceHeader {
  storedSize: number;
  flags: number;
  offset: number;
  originalSize: number;
}

export interface WimHeader {
  pipable: boolean;
  version: number;
  flags: number;
  chunkSize: number;
  guid: string;
  partNumber: number;
  totalParts: number;
  imageCount: number;
  bootIndex: number;
  xml: ResourceHeader;
}

/** Header flag: resources are compressed (the kind says which, below). */
const FLAG_COMPRESSION = 0x2;
const FLAG_XPRESS = 0x20000;
const FLAG_LZX = 0x40000;
const FLAG_LZMS = 0x80000;
/** Resource flag: compressed (the XML resource never is, in files wimlib or DISM write). */
export const RESHDR_COMPRESSED = 0x04;

export class WimFormatError extends Error {}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WimFormatError('a size is out of range');
  return Number(v);
}

function reshdr(buf: Buffer, at: number): ResourceHeader {
  // 56-bit size: six low bytes as a 48-bit integer plus the seventh byte.
  const storedSize = buf.readUIntLE(at, 6) + buf[at + 6]! * 2 ** 48;
  return {
    storedSize,
    flags: buf[at + 7]!,
    offset: u64(buf, at + 8),
    originalSize: u64(buf, at + 16),
  };
}

/** Decodes the first 208 bytes of a WIM/ESD/SWM; throws WimFormatError when they are not one. */
export function decodeWimHeader(buf: Buffer): WimHeader {
  if (buf.length < WIM_HEADER_SIZE)
    throw new WimFormatError('shorter than a WIM header (208 bytes)');
  const tag = buf.toString('latin1', 0, 8);
  if (tag !== 'MSWIM\0\0\0' && tag !== 'WLPWM\0\0\0') {
    throw new WimFormatError('not a WIM file (no MSWIM signature)');
  }
  const size = buf.readUInt32LE(8);
  if (size !== WIM_HEADER_SIZE) throw new WimFormatError(`header size ${size}, expected 208`);
  const g = buf.subarray(24, 40).toString('hex');
  return {
    pipable: tag.startsWith('WLPWM'),
    version: buf.readUInt32LE(12),
    flags: buf.readUInt32LE(16),
    chunkSize: buf.readUInt32LE(20),
    guid: `${g.slice(0, 8)}-${g.slice(8, 12)}-${g.slice(12, 16)}-${g.slice(16, 20)}-${g.slice(20)}`,
    partNumber: buf.readUInt16LE(40),
    totalParts: buf.readUInt16LE(42),
    imageCount: buf.readUInt32LE(44),
    xml: reshdr(buf, 72),
    bootIndex: buf.readUInt32LE(120),
  };
}

export function compressionOf(h: WimHeader): 'none' | 'xpress' | 'lzx' | 'lzms' | 'unknown' {
  if (!(h.flags & FLAG_COMPRESSION)) return 'none';
  if (h.flags & FLAG_LZMS) return 'lzms';
  if (h.flags & FLAG_LZX) return 'lzx';
  if (h.flags & FLAG_XPRESS) return 'xpress';
  return 'unknown';
}

/** The XML resource's bytes to text: UTF-16LE, usually with a byte-order mark. */
export function decodeWimXml(bytes: Buffer): string {
  const start = bytes[0] === 0xff && bytes[1] === 0xfe ? 2 : 0;
  return bytes.toString('utf16le', start, bytes.length - ((bytes.length - start) % 2));
}
