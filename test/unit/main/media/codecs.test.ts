import { describe, expect, it } from 'vitest';
import { uiLanguagesFromLangIni } from '../../../../main/media/lang-ini.js';
import { PeFormatError, isApiSet, readPeImports } from '../../../../main/media/pe-imports.js';
import {
  WimFormatError,
  compressionOf,
  decodeWimHeader,
  decodeWimXml,
} from '../../../../main/media/wim-header.js';
import { XmlError, editionsFromXml } from '../../../../main/media/wim-xml.js';
import { compareVersions, wimbootVersionOf } from '../../../../main/media/wimboot.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+|#[^\n]*/g, ''), 'hex');

/** A WIM header as wimlib writes it for a two-image LZX .wim (fields commented). */
const header = hex(`
  4d5357494d000000          # 0   ImageTag "MSWIM\\0\\0\\0"
  d0000000                  # 8   cbSize 208
  000d0100                  # 12  version 0x10d00
  82000400                  # 16  flags: COMPRESSION (0x2) | LZX (0x40000) | 0x80
  00800000                  # 20  chunk size 32768
  3711 2f21 2fc3 9136 d73d 6767 6edd e0dc   # 24 GUID
  0100                      # 40  part 1
  0100                      # 42  of 1
  02000000                  # 44  2 images
  ${'00'.repeat(24)}        # 48  offset table reshdr (not read)
  a00f00000000 00 00        # 72  XML reshdr: stored size 4000 (7 bytes), flags 0
  0010000000000000          # 80  XML offset 4096
  a00f000000000000          # 88  XML original size 4000
  ${'00'.repeat(24)}        # 96  boot metadata reshdr
  02000000                  # 120 boot index 2
  ${'00'.repeat(24)}        # 124 integrity reshdr
  ${'00'.repeat(60)}        # 148 unused
`);

describe('WIM header codec', () => {
  it('decodes the fields we use from a byte table', () => {
    expect(header.length).toBe(208);
    const h = decodeWimHeader(header);
    expect(h).toMatchObject({
      pipable: false,
      version: 0x10d00,
      chunkSize: 32768,
      partNumber: 1,
      totalParts: 1,
      imageCount: 2,
      bootIndex: 2,
      xml: { storedSize: 4000, flags: 0, offset: 4096, originalSize: 4000 },
      guid: '37112f21-2fc3-9136-d73d-67676edde0dc',
    });
    expect(compressionOf(h)).toBe('lzx');
  });

  it.each([
    ['too short', header.subarray(0, 100), /shorter than a WIM header/],
    [
      'not a WIM',
      Buffer.concat([Buffer.from('MZ\0\0\0\0\0\0'), header.subarray(8)]),
      /no MSWIM signature/,
    ],
    [
      'wrong size field',
      Buffer.concat([header.subarray(0, 8), hex('d1000000'), header.subarray(12)]),
      /header size 209/,
    ],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => decodeWimHeader(bytes)).toThrow(WimFormatError);
    expect(() => decodeWimHeader(bytes)).toThrow(message);
  });

  it('decodes the UTF-16LE XML resource with and without its byte-order mark', () => {
    const text = '<WIM><IMAGE INDEX="1"/></WIM>';
    expect(decodeWimXml(Buffer.concat([hex('fffe'), Buffer.from(text, 'utf16le')]))).toBe(text);
    expect(decodeWimXml(Buffer.from(text, 'utf16le'))).toBe(text);
  });
});

describe('WIM XML to editions', () => {
  const xml = `<WIM><TOTALBYTES>5</TOTALBYTES>
    <IMAGE INDEX="6"><NAME>Windows 11 Pro</NAME><DESCRIPTION>Windows 11 Pro &amp; more</DESCRIPTION>
      <TOTALBYTES>20971520000</TOTALBYTES>
      <WINDOWS><ARCH>9</ARCH><EDITIONID>Professional</EDITIONID>
        <LANGUAGES><LANGUAGE>de-DE</LANGUAGE><LANGUAGE>en-US</LANGUAGE><DEFAULT>de-DE</DEFAULT></LANGUAGES>
        <VERSION><MAJOR>10</MAJOR><MINOR>0</MINOR><BUILD>26100</BUILD><SPBUILD>1742</SPBUILD></VERSION>
      </WINDOWS></IMAGE>
    <IMAGE INDEX="1"><NAME>Windows 11 Home</NAME><WINDOWS><ARCH>12</ARCH><EDITIONID>Core</EDITIONID></WINDOWS></IMAGE>
  </WIM>`;

  it('reads index, name, EDITIONID, version, build, architecture, languages and size, by index', () => {
    expect(editionsFromXml(xml)).toEqual([
      {
        index: 1,
        name: 'Windows 11 Home',
        editionId: 'Core',
        description: null,
        version: '0.0.0.0',
        build: 0,
        architecture: 'arm64',
        languages: [],
        totalBytes: 0,
      },
      {
        index: 6,
        name: 'Windows 11 Pro',
        editionId: 'Professional',
        description: 'Windows 11 Pro & more',
        version: '10.0.26100.1742',
        build: 26100,
        architecture: 'amd64',
        languages: ['de-DE', 'en-US'],
        totalBytes: 20971520000,
      },
    ]);
  });

  it.each([
    ['an unclosed element', '<WIM><IMAGE INDEX="1"></WIM>'],
    ['another root', '<NOTWIM/>'],
    ['an image without index', '<WIM><IMAGE/></WIM>'],
  ])('refuses %s', (_n, text) => {
    expect(() => editionsFromXml(text)).toThrow(XmlError);
  });
});

/** A minimal PE32+ image with one section holding an import table (offsets commented). */
function tinyPe(dlls: string[]): Buffer {
  const buf = Buffer.alloc(0x400);
  buf.write('MZ', 0);
  buf.writeUInt32LE(0x40, 0x3c); // e_lfanew
  buf.write('PE\0\0', 0x40, 'latin1');
  buf.writeUInt16LE(0x8664, 0x44); // machine amd64
  buf.writeUInt16LE(1, 0x46); // one section
  buf.writeUInt16LE(240, 0x54); // size of optional header (PE32+ with 16 directories)
  const opt = 0x58;
  buf.writeUInt16LE(0x20b, opt); // PE32+
  buf.writeUInt32LE(16, opt + 108); // NumberOfRvaAndSizes
  buf.writeUInt32LE(0x1000, opt + 112 + 8); // directory 1 (imports): RVA 0x1000
  buf.writeUInt32LE(20 * (dlls.length + 1), opt + 112 + 12);
  const sec = opt + 240;
  buf.write('.idata', sec, 'latin1');
  buf.writeUInt32LE(0x200, sec + 8); // virtual size
  buf.writeUInt32LE(0x1000, sec + 12); // virtual address
  buf.writeUInt32LE(0x200, sec + 16); // raw size
  buf.writeUInt32LE(0x200, sec + 20); // raw offset
  let names = 0x1100;
  dlls.forEach((d, i) => {
    buf.writeUInt32LE(names, 0x200 + i * 20 + 12); // descriptor Name RVA
    buf.write(`${d}\0`, 0x200 + (names - 0x1000), 'latin1');
    names += d.length + 1;
  });
  return buf;
}

describe('PE import table', () => {
  it('lists the imported DLLs of a hand-made PE32+ image', () => {
    expect(
      readPeImports(tinyPe(['WLDAP32.dll', 'api-ms-win-crt-runtime-l1-1-0.dll', 'Normaliz.dll'])),
    ).toEqual({
      machine: 0x8664,
      imports: ['WLDAP32.dll', 'api-ms-win-crt-runtime-l1-1-0.dll', 'Normaliz.dll'],
      delayImports: [],
    });
    expect(isApiSet('api-ms-win-crt-runtime-l1-1-0.dll')).toBe(true);
    expect(isApiSet('ws2_32.dll')).toBe(false);
  });

  it.each([
    ['not a program', Buffer.from('#!/bin/sh\n'.padEnd(0x80))],
    ['cut short', tinyPe(['a.dll']).subarray(0, 0x60)],
  ])('refuses %s', (_n, bytes) => {
    expect(() => readPeImports(bytes)).toThrow(PeFormatError);
  });
});

describe('lang.ini and wimboot versions', () => {
  it('takes the language marked 3 as the default, in UTF-8 or UTF-16 with BOM', () => {
    const text =
      '[Available UI Languages]\r\nen-US = 2\r\nde-DE = 3\r\n\r\n[Fallback Languages]\r\nde-DE = en-us\r\n';
    expect(uiLanguagesFromLangIni(Buffer.from(text))).toEqual({
      default: 'de-DE',
      all: ['en-US', 'de-DE'],
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(uiLanguagesFromLangIni(utf16).default).toBe('de-DE');
    expect(uiLanguagesFromLangIni(Buffer.from('')).default).toBeNull();
  });

  it('reads the version from the banner inside a wimboot binary', () => {
    const bin = Buffer.concat([
      Buffer.alloc(512, 0x90),
      Buffer.from(
        '\n\nwimboot v2.9.0 -- Windows Imaging Format bootloader -- https://ipxe.org/wimboot\n',
      ),
    ]);
    expect(wimbootVersionOf(bin)).toBe('2.9.0');
    expect(wimbootVersionOf(Buffer.alloc(64))).toBeNull();
    expect(compareVersions('2.8.0', '2.9.0')).toBe(-1);
    expect(compareVersions('2.10.0', '2.9.0')).toBe(1);
    expect(compareVersions('2.9.0', '2.9')).toBe(0);
  });
});
