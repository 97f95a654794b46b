import fs from 'node:fs';
import path from 'node:path';
import { MediaImportError } from './errors.js';
import {
  RESHDR_COMPRESSED,
  WIM_HEADER_SIZE,
  WimFormatError,
  decodeWimHeader,
  decodeWimXml,
  type WimHeader,
} from './wim-header.js';

export interface WimInfo {
  file: string;
  size: number;
  header: WimHeader;
  /** The XML resource as text. */
  xml: string;
}

/** Our own read of a .wim/.esd/.swm: header and XML only, a few KiB, any size of image. */
export function readWim(file: string): WimInfo {
  const name = `sources/${path.basename(file)}`;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(WIM_HEADER_SIZE);
    fs.readSync(fd, head, 0, WIM_HEADER_SIZE, 0);
    let header: WimHeader;
    try {
      header = decodeWimHeader(head);
    } catch (err) {
      if (err instanceof WimFormatError) {
        throw new MediaImportError('bad_image', `${name} is not a Windows image: ${err.message}.`);
      }
      throw err;
    }
    const x = header.xml;
    if (x.storedSize === 0 || x.offset + x.storedSize > size) {
      throw new MediaImportError(
        'incomplete_source',
        `${name} is cut short (${size} bytes; its XML lies at ${x.offset}+${x.storedSize}). The medium is incomplete or damaged: download it again.`,
      );
    }
    if (x.flags & RESHDR_COMPRESSED) {
      throw new MediaImportError(
        'bad_image',
        `${name} has a compressed XML resource, which Windows images never have.`,
      );
    }
    if (x.storedSize > 64 * 1024 * 1024) {
      throw new MediaImportError('bad_image', `${name}'s XML resource is implausibly large.`);
    }
    const bytes = Buffer.alloc(x.storedSize);
    fs.readSync(fd, bytes, 0, x.storedSize, x.offset);
    return { file, size, header, xml: decodeWimXml(bytes) };
  } finally {
    fs.closeSync(fd);
  }
}
