/**
 * The DLL names a Windows executable imports, from its PE import table (PE/COFF
 * specification, "The .idata Section" and "Delay-Load Import Tables"). Enough of the
 * format to answer one question at import time: which DLLs must sit beside curl.exe in
 * WinPE because the boot image lacks them.
 *
 *   0x3c e_lfanew -> "PE\0\0" | COFF header (20) | optional header | section table (40 each)
 *   optional header magic 0x10b (PE32): data directories at +96, count at +92
 *                         0x20b (PE32+): data directories at +112, count at +108
 *   directory 1: import descriptors (20 bytes, Name RVA at +12, all-zero ends the list)
 *   directory 13: delay-load descriptors (32 bytes, DllNameRVA at +4)
 */

export class PeFormatError extends Error {}

export interface PeImports {
  machine: number;
  /** DLLs loaded with the program, in table order, as written (case kept). */
  imports: string[];
  /** DLLs loaded on first use; missing ones fail only when that code runs. */
  delayImports: string[];
}

interface Section {
  va: number;
  vsize: number;
  raw: number;
  rawSize: number;
}

export function readPeImports(buf: Buffer): PeImports {
  const need = (end: number, what: string): void => {
    if (end > buf.length)
      throw new PeFormatError(`truncated: ${what} lies past the end of the file`);
  };
  need(0x40, 'the DOS header');
  if (buf.toString('latin1', 0, 2) !== 'MZ')
    throw new PeFormatError('not a Windows program (no MZ)');
  const pe = buf.readUInt32LE(0x3c);
  need(pe + 24, 'the PE header');
  if (buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new PeFormatError('no PE signature');
  const coff = pe + 4;
  const machine = buf.readUInt16LE(coff);
  const sectionCount = buf.readUInt16LE(coff + 2);
  const optSize = buf.readUInt16LE(coff + 16);
  const opt = coff + 20;
  need(opt + optSize, 'the optional header');
  const magic = buf.readUInt16LE(opt);
  if (magic !== 0x10b && magic !== 0x20b)
    throw new PeFormatError(`unknown optional header 0x${magic.toString(16)}`);
  const dirCountAt = opt + (magic === 0x20b ? 108 : 92);
  const dirs = opt + (magic === 0x20b ? 112 : 96);
  const dirCount = buf.readUInt32LE(dirCountAt);
  const dir = (i: number): { rva: number; size: number } =>
    i < dirCount && dirs + i * 8 + 8 <= opt + optSize
      ? { rva: buf.readUInt32LE(dirs + i * 8), size: buf.readUInt32LE(dirs + i * 8 + 4) }
      : { rva: 0, size: 0 };

  const sections: Section[] = [];
  const table = opt + optSize;
  need(table + sectionCount * 40, 'the section table');
  for (let s = 0; s < sectionCount; s++) {
    const at = table + s * 40;
    sections.push({
      vsize: buf.readUInt32LE(at + 8),
      va: buf.readUInt32LE(at + 12),
      rawSize: buf.readUInt32LE(at + 16),
      raw: buf.readUInt32LE(at + 20),
    });
  }
  const offsetOf = (rva: number): number => {
    const s = sections.find((x) => rva >= x.va && rva < x.va + Math.max(x.vsize, x.rawSize));
    if (!s) throw new PeFormatError(`address 0x${rva.toString(16)} is in no section`);
    return s.raw + (rva - s.va);
  };
  const cString = (rva: number): string => {
    const at = offsetOf(rva);
    const end = buf.indexOf(0, at);
    if (end < 0 || end - at > 260)
      throw new PeFormatError('an imported DLL name is not terminated');
    return buf.toString('latin1', at, end);
  };
  const names = (d: { rva: number }, entry: number, nameAt: number): string[] => {
    if (!d.rva) return [];
    const out: string[] = [];
    // A bound on entries: a corrupt table must not loop over the whole file.
    for (let at = offsetOf(d.rva), n = 0; n < 4096; at += entry, n++) {
      need(at + entry, 'the import table');
      if (buf.subarray(at, at + entry).every((b) => b === 0)) return out;
      out.push(cString(buf.readUInt32LE(at + nameAt)));
    }
    throw new PeFormatError('the import table does not end');
  };
  return { machine, imports: names(dir(1), 20, 12), delayImports: names(dir(13), 32, 4) };
}

/**
 * API sets (api-ms-win-*, ext-ms-*) are names the loader maps to real DLLs through the
 * API set schema; they are never files, so they are never "missing".
 */
export function isApiSet(dll: string): boolean {
  return /^(api|ext)-ms-/i.test(dll);
}
