import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bcdElements,
  bcdIds,
  bcdObjectTypes,
  bootPath,
  integerDespiteFormat,
  loaderId,
  pxeBcdFor,
} from '../../../../../main/boot/bcd/pxe-bcd.js';
import { lhHash, writeHive } from '../../../../../main/boot/bcd/regf.js';
import type { MediaRecord } from '../../../../../main/media/types.js';
import { commandUnavailable, requireOrSkip } from '../../../../helpers/env.js';

/**
 * The per-medium BCD store, read back with hivex's own parser (`hivexregedit --export`,
 * Debian package libwin-hivex-perl) and compared with golden files and with Microsoft's
 * documented objects and element types. UPDATE_GOLDEN=1 regenerates the golden files.
 */
const golden = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
const skip = requireOrSkip(commandUnavailable('hivexregedit', 'libwin-hivex-perl'));
const now = new Date('2026-12-01T00:00:00Z');

function medium(id: string, over: Partial<MediaRecord> = {}): MediaRecord {
  return {
    id,
    label: id.toUpperCase(),
    source: `${id}.iso`,
    importedAt: '2026-12-01T00:00:00Z',
    dir: `media/${id}`,
    bootWim: `media/${id}/sources/boot.wim`,
    image: { kind: 'wim', path: `media/${id}/sources/install.wim`, parts: [], bytes: 1 },
    editions: [],
    uiLanguage: 'en-US',
    build: 26100,
    winpe: { curl: null, dlls: [] },
    bootFiles: { bcd: null, bootSdi: `media/${id}/boot/boot.sdi`, efiBcd: null },
    warnings: [],
    bytes: 1,
    ...over,
  };
}

const media = [
  medium('win11-24h2'),
  medium('win10-22h2', {
    uiLanguage: 'de-DE',
    label: 'Windows 10 22H2 (de)',
    bootFiles: undefined,
  }),
];

function exportReg(hive: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcd-'));
  try {
    fs.writeFileSync(path.join(dir, 'BCD'), hive);
    return execFileSync('hivexregedit', ['--export', path.join(dir, 'BCD'), '\\'], {
      encoding: 'utf8',
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** .reg text -> { key path: { value name: [reg type, bytes] } }. */
function parseReg(text: string): Map<string, Map<string, [number, Buffer]>> {
  const keys = new Map<string, Map<string, [number, Buffer]>>();
  let cur: Map<string, [number, Buffer]> | null = null;
  for (const line of text.replace(/\\\n\s*/g, '').split('\n')) {
    const k = /^\[(.*)\]$/.exec(line);
    if (k) {
      cur = new Map();
      keys.set(k[1]!, cur);
      continue;
    }
    const v = /^"(.*)"=(?:hex\((\d+)\):([0-9a-f,]*)|dword:([0-9a-f]{8}))$/.exec(line);
    if (!v || !cur) continue;
    if (v[4]) cur.set(v[1]!, [4, Buffer.from(v[4], 'hex').reverse()]);
    else cur.set(v[1]!, [Number(v[2]), Buffer.from(v[3]!.replace(/,/g, ''), 'hex')]);
  }
  return keys;
}

const utf16 = (b: Buffer) => b.toString('utf16le').replace(/\0+$/, '');

describe.skipIf(skip)(`PXE BCD store per medium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.each(media.map((m) => [m.id, m] as const))('%s matches its golden export', (id, m) => {
    const text = exportReg(pxeBcdFor(m, now));
    const file = path.join(golden, `${id}.reg`);
    if (update) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('holds the documented objects, element types and value formats', () => {
    const m = media[0]!;
    const keys = parseReg(exportReg(pxeBcdFor(m, now)));
    expect(utf16(keys.get('\\Description')!.get('KeyName')![1])).toBe('BCD00000000');
    const loader = loaderId(m);
    const type = (id: string) =>
      keys.get(`\\Objects\\${id}\\Description`)?.get('Type')?.[1].readUInt32LE(0);
    expect(type(bcdIds.bootmgr)).toBe(bcdObjectTypes.bootManager);
    expect(type(loader)).toBe(bcdObjectTypes.osLoader);
    expect(type(bcdIds.ramdiskoptions)).toBe(bcdObjectTypes.device);

    const element = (obj: string, t: number) =>
      keys.get(`\\Objects\\${obj}\\Elements\\${t.toString(16).padStart(8, '0')}`)?.get('Element');
    // Format nibble -> registry type: strings and object ids REG_SZ, lists REG_MULTI_SZ,
    // integers 8 bytes and booleans 1 byte REG_BINARY, devices REG_BINARY.
    for (const [key, values] of keys) {
      const mm = /\\Elements\\([0-9a-f]{8})$/.exec(key);
      if (!mm) continue;
      const [regType, data] = values.get('Element')!;
      const t = parseInt(mm[1]!, 16);
      const format = integerDespiteFormat.has(t) ? 5 : (t >>> 24) & 0xf;
      const want = { 1: [3], 2: [1], 3: [1], 4: [7], 5: [3, 8], 6: [3, 1] }[format];
      expect(want, `element ${mm[1]} has a known format`).toBeDefined();
      expect(regType, `element ${mm[1]}`).toBe(want![0]);
      if (want![1]) expect(data.length, `element ${mm[1]} size`).toBe(want![1]);
    }

    const e = bcdElements;
    expect(utf16(element(bcdIds.bootmgr, e.BootMgrObject_DefaultObject)![1])).toBe(loader);
    expect(element(bcdIds.bootmgr, e.BootMgrObjectList_DisplayOrder)![1].toString('utf16le')).toBe(
      `${loader}\0\0`,
    );
    expect(element(bcdIds.bootmgr, e.BootMgrInteger_Timeout)![1].readBigUInt64LE(0)).toBe(0n);
    expect(utf16(element(loader, e.LibraryString_ApplicationPath)![1])).toBe(
      '\\windows\\system32\\boot\\winload.efi',
    );
    expect(element(loader, e.OSLoaderBoolean_WinPEMode)![1]).toEqual(Buffer.from([1]));
    const dev = element(loader, e.OSLoaderDevice_OSDevice)![1];
    expect(dev.toString('utf16le')).toContain('\\files\\media\\win11-24h2\\sources\\boot.wim');
    expect(dev).toEqual(element(loader, e.LibraryDevice_ApplicationDevice)![1]);
    expect(utf16(element(bcdIds.ramdiskoptions, e.DeviceInteger_SdiPath)![1])).toBe(
      '\\files\\media\\win11-24h2\\boot\\boot.sdi',
    );
    expect(
      element(bcdIds.ramdiskoptions, e.DeviceInteger_RamdiskTftpBlockSize)![1].readBigUInt64LE(0),
    ).toBe(1456n);
    expect(
      element(bcdIds.ramdiskoptions, e.DeviceInteger_RamdiskTftpWindowSize)![1].readBigUInt64LE(0),
    ).toBe(8n);
  });

  it('gives each medium its own loader id, the same on every run', () => {
    expect(loaderId(media[0]!)).toBe(loaderId(medium('win11-24h2')));
    expect(loaderId(media[0]!)).not.toBe(loaderId(media[1]!));
    expect(loaderId(media[0]!)).toMatch(
      /^\{[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\}$/,
    );
  });
});

describe('regf writer', () => {
  it('writes a valid base block: signature, clean sequence numbers, checksum', () => {
    const h = writeHive({ name: 'R' }, now);
    expect(h.subarray(0, 4).toString('latin1')).toBe('regf');
    expect(h.readUInt32LE(4)).toBe(h.readUInt32LE(8));
    let sum = 0;
    for (let i = 0; i < 0x1fc; i += 4) sum = (sum ^ h.readUInt32LE(i)) >>> 0;
    expect(h.readUInt32LE(0x1fc)).toBe(sum);
    expect(h.subarray(4096, 4100).toString('latin1')).toBe('hbin');
    expect(h.length % 4096).toBe(0);
    expect(h.readUInt32LE(40)).toBe(h.length - 4096);
  });

  it('hashes subkey names as the lh list expects (upper case, x37)', () => {
    expect(lhHash('a')).toBe(65);
    expect(lhHash('Ab')).toBe((65 * 37 + 66) >>> 0);
  });

  it('maps station files to TFTP-root paths and refuses escapes', () => {
    expect(bootPath('media/w/sources/boot.wim')).toBe('\\files\\media\\w\\sources\\boot.wim');
    expect(() => bootPath('media/../x')).toThrow();
  });
});
