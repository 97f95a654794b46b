/**
 * An uncompressed Microsoft cabinet (MS-CAB: CFHEADER, one CFFOLDER, CFFILEs, one CFDATA),
 * built here because Debian's 7-Zip extracts CABs but cannot make them.
 */
export function cabinet(files: Record<string, string>): Buffer {
  const names = Object.keys(files);
  const data = Buffer.concat(names.map((n) => Buffer.from(files[n]!)));
  const entries = names.map((n) => Buffer.from(n.replace(/\//g, '\\') + '\0', 'latin1'));
  const headerLen = 36;
  const folderLen = 8;
  const filesLen = entries.reduce((s, e) => s + 16 + e.length, 0);
  const dataStart = headerLen + folderLen + filesLen;
  const total = dataStart + 8 + data.length;
  const h = Buffer.alloc(headerLen);
  h.write('MSCF', 0, 'latin1');
  h.writeUInt32LE(total, 8); // cbCabinet
  h.writeUInt32LE(headerLen + folderLen, 16); // coffFiles
  h.writeUInt8(3, 24); // versionMinor
  h.writeUInt8(1, 25); // versionMajor
  h.writeUInt16LE(1, 26); // cFolders
  h.writeUInt16LE(names.length, 28); // cFiles
  const f = Buffer.alloc(folderLen);
  f.writeUInt32LE(dataStart, 0); // coffCabStart
  f.writeUInt16LE(1, 4); // cCFData
  f.writeUInt16LE(0, 6); // typeCompress: none
  let offset = 0;
  const cfFiles = names.map((n, i) => {
    const e = Buffer.alloc(16);
    const size = Buffer.byteLength(files[n]!);
    e.writeUInt32LE(size, 0); // cbFile
    e.writeUInt32LE(offset, 4); // uoffFolderStart
    e.writeUInt16LE(0x5a21, 10); // date (2025-01-01)
    e.writeUInt16LE(0x20, 14); // attribs: archive
    offset += size;
    return Buffer.concat([e, entries[i]!]);
  });
  const d = Buffer.alloc(8);
  d.writeUInt16LE(data.length, 4); // cbData
  d.writeUInt16LE(data.length, 6); // cbUncomp (csum 0: none)
  return Buffer.concat([h, f, ...cfFiles, d, data]);
}
