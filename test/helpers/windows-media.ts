import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandUnavailable } from './env.js';

/**
 * A small but real Windows installation medium, made with the tools Windows media are made
 * of: mingw-w64 builds a curl.exe stand-in whose PE import table names prephelp.dll (which
 * the boot image lacks), wimlib captures install.wim (two images with the XML properties
 * of a real Windows 11 24H2 medium) and boot.wim (two images, index 2 bootable), and
 * genisoimage packs it all into a UDF ISO like Microsoft's.
 */

export function windowsMediaToolsMissing(): (string | null)[] {
  return [
    commandUnavailable('wimlib-imagex', 'wimtools'),
    commandUnavailable('wimdir', 'wimtools'),
    commandUnavailable('genisoimage', 'genisoimage'),
    commandUnavailable('x86_64-w64-mingw32-gcc', 'gcc-mingw-w64-x86-64'),
    commandUnavailable('7zz', '7zip') && commandUnavailable('7z', 'p7zip-full'),
  ];
}

export interface MediumOptions {
  kind?: 'wim' | 'esd' | 'swm';
  /** false: no curl.exe in the first edition (a pre-1803 medium). */
  curl?: boolean;
  label?: string;
  /** Installer language in sources/lang.ini. */
  uiLanguage?: string;
  build?: number;
  /** Extra bytes of incompressible data per image (makes a split image several parts). */
  padding?: number;
}

export interface BuiltMedium {
  /** The folder copied from the "ISO". */
  folder: string;
  /** The UDF ISO of that folder. */
  iso: string;
  work: string;
}

const run = (cmd: string, args: string[], cwd?: string): void => {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

let peCache: { curl: Buffer; dll: Buffer } | null = null;

/** curl.exe importing prephelp.dll, KERNEL32.dll and msvcrt.dll; prephelp.dll itself. */
function buildPe(work: string): { curl: Buffer; dll: Buffer } {
  if (peCache) return peCache;
  const dir = path.join(work, 'pe-src');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'helper.c'),
    '__declspec(dllexport) int prep_helper(void) { return 0; }\n',
  );
  fs.writeFileSync(
    path.join(dir, 'curl.c'),
    '__declspec(dllimport) int prep_helper(void);\nint main(void) { return prep_helper(); }\n',
  );
  const gcc = 'x86_64-w64-mingw32-gcc';
  run(
    gcc,
    ['-s', '-shared', '-o', 'prephelp.dll', 'helper.c', '-Wl,--out-implib,libprephelp.a'],
    dir,
  );
  run(gcc, ['-s', '-o', 'curl.exe', 'curl.c', '-L.', '-lprephelp'], dir);
  peCache = {
    curl: fs.readFileSync(path.join(dir, 'curl.exe')),
    dll: fs.readFileSync(path.join(dir, 'prephelp.dll')),
  };
  return peCache;
}

function put(root: string, rel: string, data: Buffer | string): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
}

function setProps(wim: string, index: number, props: Record<string, string | number>): void {
  const args = ['info', wim, String(index)];
  for (const [k, v] of Object.entries(props)) args.push('--image-property', `${k}=${v}`);
  run('wimlib-imagex', args);
}

function windowsProps(
  editionId: string,
  build: number,
  languages: string[],
): Record<string, string | number> {
  const props: Record<string, string | number> = {
    'WINDOWS/ARCH': 9,
    'WINDOWS/EDITIONID': editionId,
    'WINDOWS/INSTALLATIONTYPE': 'Client',
    'WINDOWS/PRODUCTTYPE': 'WinNT',
    'WINDOWS/VERSION/MAJOR': 10,
    'WINDOWS/VERSION/MINOR': 0,
    'WINDOWS/VERSION/BUILD': build,
    'WINDOWS/VERSION/SPBUILD': 1742,
    'WINDOWS/LANGUAGES/DEFAULT': languages[0]!,
  };
  languages.forEach((l, i) => (props[`WINDOWS/LANGUAGES/LANGUAGE${i ? `[${i + 1}]` : ''}`] = l));
  return props;
}

export function buildWindowsMedium(opts: MediumOptions = {}): BuiltMedium {
  const kind = opts.kind ?? 'wim';
  const build = opts.build ?? 26100;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-winmedia-'));
  const pe = buildPe(work);
  const pad = (): Buffer => crypto.randomBytes(opts.padding ?? 0);

  const img1 = path.join(work, 'img1');
  const img2 = path.join(work, 'img2');
  for (const img of [img1, img2]) {
    put(img, 'Windows/System32/KERNEL32.dll', 'stand-in');
    put(img, 'Windows/System32/msvcrt.dll', 'stand-in');
    put(img, 'Windows/System32/config/SOFTWARE', 'hive stand-in');
    if (opts.padding) put(img, 'Windows/padding.bin', pad());
  }
  if (opts.curl !== false) {
    put(img1, 'Windows/System32/curl.exe', pe.curl);
    put(img2, 'Windows/System32/curl.exe', pe.curl);
  }
  put(img1, 'Windows/System32/prephelp.dll', pe.dll);
  put(img2, 'Windows/System32/prephelp.dll', pe.dll);

  const pe1 = path.join(work, 'pe1');
  const pe2 = path.join(work, 'pe2');
  for (const p of [pe1, pe2]) {
    put(p, 'Windows/System32/kernel32.dll', 'stand-in');
    put(p, 'Windows/System32/msvcrt.dll', 'stand-in');
    put(p, 'Windows/System32/winpeshl.exe', 'stand-in');
  }
  put(pe2, 'setup.exe', 'stand-in');

  const folder = path.join(work, 'medium');
  const sources = path.join(folder, 'sources');
  fs.mkdirSync(sources, { recursive: true });
  const wim = path.join(work, 'install.wim');
  run('wimlib-imagex', [
    'capture',
    img1,
    wim,
    'Windows 11 Pro',
    'Windows 11 Pro',
    '--compress=fast',
  ]);
  run('wimlib-imagex', ['append', img2, wim, 'Windows 11 Education', 'Windows 11 Education']);
  setProps(wim, 1, windowsProps('Professional', build, ['de-DE']));
  setProps(wim, 2, windowsProps('Education', build, ['de-DE', 'en-US']));
  if (kind === 'wim') fs.copyFileSync(wim, path.join(sources, 'install.wim'));
  else if (kind === 'esd')
    run('wimlib-imagex', ['export', wim, 'all', path.join(sources, 'install.esd'), '--solid']);
  else run('wimlib-imagex', ['split', wim, path.join(sources, 'install.swm'), '0.2']);

  const bootWim = path.join(sources, 'boot.wim');
  run('wimlib-imagex', ['capture', pe1, bootWim, 'Microsoft Windows PE (amd64)']);
  run('wimlib-imagex', ['append', pe2, bootWim, 'Microsoft Windows Setup (amd64)', '--boot']);
  setProps(bootWim, 2, {
    'WINDOWS/ARCH': 9,
    'WINDOWS/EDITIONID': 'WindowsPE',
    'WINDOWS/VERSION/BUILD': build,
  });

  const lang = opts.uiLanguage ?? 'de-DE';
  put(
    folder,
    'sources/lang.ini',
    `[Available UI Languages]\r\n${lang} = 3\r\n\r\n[Fallback Languages]\r\n${lang} = en-us\r\n`,
  );
  put(folder, 'sources/setup.exe', 'stand-in');
  put(folder, 'boot/bcd', 'bcd stand-in');
  put(folder, 'boot/boot.sdi', 'sdi stand-in');
  // Upper case as on some media: the import stores everything in lower case.
  put(folder, 'efi/microsoft/boot/BCD', 'bcd stand-in');
  put(folder, 'bootmgr', 'stand-in');
  put(folder, 'setup.exe', 'stand-in');

  const iso = path.join(work, 'medium.iso');
  run('genisoimage', [
    '-quiet',
    '-udf',
    '-V',
    opts.label ?? 'CCCOMA_X64FRE_DE-DE_DV9',
    '-o',
    iso,
    folder,
  ]);
  return { folder, iso, work };
}
