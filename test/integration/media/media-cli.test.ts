import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { check } from '../../../main/commands/check.js';
import { media } from '../../../main/commands/media.js';
import { readPeImports } from '../../../main/media/pe-imports.js';
import type { MediaRecord } from '../../../main/media/types.js';
import { requireOrSkip } from '../../helpers/env.js';
import {
  buildWindowsMedium,
  windowsMediaToolsMissing,
  type BuiltMedium,
} from '../../helpers/windows-media.js';

const skip = requireOrSkip(...windowsMediaToolsMissing());
const samples = path.join(import.meta.dirname, '../../../profiles');

let medium: BuiltMedium;
let dataDir: string;
let out = '';
let err = '';
beforeAll(() => {
  if (skip) return;
  medium = buildWindowsMedium();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-cli-'));
});
afterAll(() => {
  if (skip) return;
  fs.rmSync(medium.work, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const mediaDir = (): string => path.join(dataDir, 'files', 'media');
/** Only finished media: no staging folder or upload is ever left behind. */
const listed = (): string[] => fs.readdirSync(mediaDir()).sort();
const record = (id: string): MediaRecord =>
  JSON.parse(fs.readFileSync(path.join(mediaDir(), id, 'media.json'), 'utf8')) as MediaRecord;

function profilesWith(target: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-profiles-'));
  const base = fs.readFileSync(path.join(samples, 'windows-11-base.yaml'), 'utf8');
  fs.writeFileSync(path.join(dir, 'windows-11-base.yaml'), base);
  fs.writeFileSync(
    path.join(dir, 'office.yaml'),
    `id: office\nname: Office\nextends: windows-11-base\ntarget:\n${target}`,
  );
  return dir;
}

function putWimboot(version: string): void {
  const f = path.join(dataDir, 'files', 'boot', 'wimboot');
  fs.mkdirSync(path.dirname(f), { recursive: true });
  // A stand-in with the banner string a real wimboot carries.
  fs.writeFileSync(
    f,
    Buffer.concat([
      Buffer.alloc(4096),
      Buffer.from(
        `\n\nwimboot v${version} -- Windows Imaging Format bootloader -- https://ipxe.org/wimboot\n`,
      ),
    ]),
  );
}

describe.skipIf(skip)('prepstation media import (a synthetic Windows 11 24H2 medium)', () => {
  it('imports the UDF ISO by CLI: editions from the XML, files in place, curl.exe and the DLL the boot image lacks', async () => {
    expect(await media(['import', medium.iso, '--id', 'win11-24h2', '--data-dir', dataDir])).toBe(
      0,
    );
    expect(err).toMatch(/copying: .* MiB/);
    expect(listed()).toEqual(['win11-24h2']);
    const m = record('win11-24h2');
    expect(m).toMatchObject({
      id: 'win11-24h2',
      label: 'CCCOMA_X64FRE_DE-DE_DV9',
      source: 'medium.iso',
      uiLanguage: 'de-DE',
      build: 26100,
      bootWim: 'media/win11-24h2/sources/boot.wim',
      image: {
        kind: 'wim',
        path: 'media/win11-24h2/sources/install.wim',
        parts: ['media/win11-24h2/sources/install.wim'],
      },
      winpe: {
        curl: 'media/win11-24h2/winpe/curl.exe',
        dlls: ['media/win11-24h2/winpe/prephelp.dll'],
      },
      bootFiles: {
        bcd: 'media/win11-24h2/boot/bcd',
        bootSdi: 'media/win11-24h2/boot/boot.sdi',
        efiBcd: 'media/win11-24h2/efi/microsoft/boot/bcd',
      },
      warnings: [],
    });
    expect(m.editions).toEqual([
      expect.objectContaining({
        index: 1,
        name: 'Windows 11 Pro',
        editionId: 'Professional',
        version: '10.0.26100.1742',
        build: 26100,
        architecture: 'amd64',
        languages: ['de-DE'],
      }),
      expect.objectContaining({
        index: 2,
        name: 'Windows 11 Education',
        editionId: 'Education',
        architecture: 'amd64',
        languages: ['de-DE', 'en-US'],
      }),
    ]);
    expect(m.editions[0]!.totalBytes).toBeGreaterThan(20_000);
    const files = path.join(dataDir, 'files');
    for (const rel of [
      m.bootWim,
      m.image.path,
      m.bootFiles!.bcd!,
      m.bootFiles!.efiBcd!,
      m.winpe.curl!,
      ...m.winpe.dlls,
    ]) {
      expect(fs.existsSync(path.join(files, rel)), rel).toBe(true);
    }
    // curl.exe is the one from the image, and its import table names the DLL we added.
    const curl = fs.readFileSync(path.join(files, m.winpe.curl!));
    expect(curl.equals(fs.readFileSync(path.join(medium.folder, '..', 'pe-src', 'curl.exe')))).toBe(
      true,
    );
    expect(readPeImports(curl).imports.map((d) => d.toLowerCase())).toEqual([
      'prephelp.dll',
      'kernel32.dll',
      'msvcrt.dll',
    ]);
    // boot.wim is untouched: wimlib still reads its index 2.
    expect(
      execFileSync('wiminfo', [path.join(files, m.bootWim), '2'], { encoding: 'utf8' }),
    ).toMatch(/Windows Setup/);

    out = '';
    expect(await media(['list', '--json', '--data-dir', dataDir])).toBe(0);
    expect((JSON.parse(out) as MediaRecord[]).map((x) => x.id)).toEqual(['win11-24h2']);
  });

  it('a profile naming the medium and an edition passes check; a missing edition fails at its line', async () => {
    putWimboot('2.9.0');
    const ok = profilesWith('  edition: windows 11 education\n');
    const bad = profilesWith('  edition: Enterprise\n');
    try {
      expect(await check([ok, '--data-dir', dataDir]), out).toBe(0);
      out = '';
      expect(await check([bad, '--data-dir', dataDir])).toBe(1);
      expect(out).toContain(
        `${path.join(bad, 'office.yaml')}:5:12: medium "win11-24h2" has no edition "Enterprise"; it has Professional (Windows 11 Pro), Education (Windows 11 Education)`,
      );
      out = '';
      fs.writeFileSync(
        path.join(bad, 'office.yaml'),
        'id: office\nname: Office\nextends: windows-11-base\ntarget:\n  media: win10-22h2\n',
      );
      expect(await check([bad, '--data-dir', dataDir])).toBe(1);
      expect(out).toMatch(
        /office\.yaml:5:10: no medium "win10-22h2" is imported on this station \(imported: win11-24h2\)/,
      );
    } finally {
      fs.rmSync(ok, { recursive: true, force: true });
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });

  it('check says a 24H2 medium needs wimboot 2.9.0 when the station has an older one, with the fix', async () => {
    putWimboot('2.8.0');
    const dir = profilesWith('  edition: Professional\n');
    try {
      expect(await check([dir, '--data-dir', dataDir])).toBe(1);
      expect(out).toMatch(
        /windows-11-base\.yaml:\d+:\d+: wimboot 2\.8\.0 cannot boot Windows 11 24H2 .*wimboot 2\.9\.0 or later.*prepstation boot fetch-wimboot/,
      );
    } finally {
      putWimboot('2.9.0');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second import under the same id and leaves the first medium as it was', async () => {
    const before = fs.readFileSync(path.join(mediaDir(), 'win11-24h2', 'media.json'), 'utf8');
    expect(await media(['import', medium.iso, '--id', 'win11-24h2', '--data-dir', dataDir])).toBe(
      1,
    );
    expect(err).toMatch(/A medium "win11-24h2" is already imported; it was left as it is/);
    expect(listed()).toEqual(['win11-24h2']);
    expect(fs.readFileSync(path.join(mediaDir(), 'win11-24h2', 'media.json'), 'utf8')).toBe(before);
    // Without --id the id comes from the image (win11-26100): a new one, so it is imported.
    expect(await media(['import', medium.folder, '--data-dir', dataDir])).toBe(0);
    expect(listed()).toEqual(['win11-24h2', 'win11-26100']);
    expect(await media(['import', medium.folder, '--data-dir', dataDir])).toBe(1);
    expect(err).toMatch(/"win11-26100" is already imported/);
    expect(listed()).toEqual(['win11-24h2', 'win11-26100']);
  });

  it('refuses a truncated ISO and a non-Windows ISO with a reason, and keeps nothing of them', async () => {
    const iso = fs.readFileSync(medium.iso);
    // Cut inside install.wim: the second MSWIM header in the ISO is install.wim's or boot.wim's.
    const cut = iso.indexOf('MSWIM', iso.indexOf('MSWIM') + 1) + 4096;
    const truncated = path.join(medium.work, 'truncated.iso');
    fs.writeFileSync(truncated, iso.subarray(0, cut));
    expect(await media(['import', truncated, '--id', 'cut', '--data-dir', dataDir])).toBe(1);
    expect(err).toMatch(/incomplete or damaged|cannot be read|could not be read/);
    expect(err).toMatch(/download it again|complete ISO/);

    const other = path.join(medium.work, 'other');
    fs.mkdirSync(path.join(other, 'casper'), { recursive: true });
    fs.writeFileSync(path.join(other, 'casper', 'vmlinuz'), 'kernel');
    const otherIso = path.join(medium.work, 'other.iso');
    execFileSync('genisoimage', ['-quiet', '-udf', '-V', 'Ubuntu', '-o', otherIso, other]);
    err = '';
    expect(await media(['import', otherIso, '--id', 'ubuntu', '--data-dir', dataDir])).toBe(1);
    expect(err).toMatch(
      /other\.iso is not a Windows 10\/11 installation medium: it has no sources\/boot\.wim/,
    );
    expect(listed()).toEqual(['win11-24h2', 'win11-26100']);
  });
});

describe.skipIf(skip)('prepstation media delete', () => {
  it('refuses a medium a profile of the station names, deletes one nobody names', async () => {
    const profiles = path.join(dataDir, 'profiles');
    fs.mkdirSync(profiles, { recursive: true });
    fs.copyFileSync(
      path.join(samples, 'windows-11-base.yaml'),
      path.join(profiles, 'windows-11-base.yaml'),
    );
    expect(await media(['delete', 'win11-24h2', '--data-dir', dataDir])).toBe(1);
    expect(err).toMatch(/medium "win11-24h2" is used by profile\(s\) windows-11-base/);
    expect(await media(['delete', 'win11-26100', '--data-dir', dataDir])).toBe(0);
    expect(listed()).toEqual(['win11-24h2']);
  });
});

describe.skipIf(skip)('the same medium as install.esd, as split .swm, and without curl.exe', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it.each([
    ['esd', { kind: 'esd' as const }, ['install.esd']],
    [
      'swm',
      { kind: 'swm' as const, padding: 300_000 },
      ['install.swm', 'install2.swm', 'install3.swm'],
    ],
  ])('%s: editions, parts and WinPE tools', async (kind, opts, parts) => {
    const m = buildWindowsMedium(opts);
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-kind-'));
    dirs.push(m.work, data);
    expect(await media(['import', m.iso, '--id', `win-${kind}`, '--data-dir', data]), err).toBe(0);
    const r = JSON.parse(
      fs.readFileSync(path.join(data, 'files', 'media', `win-${kind}`, 'media.json'), 'utf8'),
    ) as MediaRecord;
    expect(r.image.kind).toBe(kind);
    expect(r.image.parts).toEqual(parts.map((p) => `media/win-${kind}/sources/${p}`));
    expect(r.editions.map((e) => [e.index, e.editionId])).toEqual([
      [1, 'Professional'],
      [2, 'Education'],
    ]);
    expect(r.winpe.dlls).toEqual([`media/win-${kind}/winpe/prephelp.dll`]);
    expect(fs.existsSync(path.join(data, 'files', r.winpe.curl!))).toBe(true);
  });

  it('a medium without curl.exe is imported with a warning that this flow cannot deploy it', async () => {
    const m = buildWindowsMedium({ curl: false, build: 17134 });
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-old-'));
    dirs.push(m.work, data);
    expect(await media(['import', m.folder, '--data-dir', data])).toBe(0);
    expect(out).toMatch(
      /warning: .*no Windows\\System32\\curl\.exe .*cannot be deployed|warning: .*not deployed/,
    );
    const r = JSON.parse(
      fs.readFileSync(path.join(data, 'files', 'media', 'win10-17134', 'media.json'), 'utf8'),
    ) as MediaRecord;
    expect(r.winpe).toEqual({ curl: null, dlls: [] });
    expect(r.warnings[0]).toMatch(/cannot be deployed|not be deployed/);
    // A profile naming it fails check at its media line.
    const profiles = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-old-profiles-'));
    dirs.push(profiles);
    fs.writeFileSync(
      path.join(profiles, 'old.yaml'),
      'id: old\nname: Old\ntarget:\n  os: windows\n  version: "10"\n  media: win10-17134\n  edition: Professional\nadmin:\n  username: a\n  password: { secret: x }\n',
    );
    out = '';
    expect(await check([profiles, '--data-dir', data])).toBe(1);
    expect(out).toMatch(
      /old\.yaml:6:10: medium "win10-17134" has no curl\.exe .*cannot be deployed by this flow/,
    );
  });
});
