import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAutounattend } from '../../../../../main/profiles/render/autounattend.js';
import { RenderError } from '../../../../../main/profiles/render/context.js';
import { renderIpxeInstall } from '../../../../../main/profiles/render/ipxe.js';
import { diskpartLayout } from '../../../../../main/profiles/render/winpe-disk.js';
import { renderWinpeFiles } from '../../../../../main/profiles/render/winpe.js';
import { commandUnavailable, requireOrSkip } from '../../../../helpers/env.js';
import {
  germanProfile,
  mediaRecord,
  osPack,
  pePack,
  windowsContext,
} from '../../../../helpers/winpe-fixtures.js';

/**
 * The WinPE files and the installed system's answer file for a German customer on en-US
 * media, against golden files and their documented forms (UPDATE_GOLDEN=1 rewrites).
 */
const root = path.join(import.meta.dirname, '../../../../..');
const goldenDir = path.join(root, 'test/golden/winpe');
const xsd = path.join(root, 'test/fixtures/profiles/autounattend-envelope.xsd');
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, body: string): void {
  const file = path.join(goldenDir, name);
  if (update || !fs.existsSync(file)) {
    fs.mkdirSync(goldenDir, { recursive: true });
    fs.writeFileSync(file, body);
    if (!update) throw new Error(`golden ${name} was missing and has been written; run again`);
  }
  expect(body).toBe(fs.readFileSync(file, 'utf8'));
}

const tmp = (name: string, body: string): string => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ps-winpe-')), name);
  fs.writeFileSync(f, body);
  return f;
};

describe('German customer on en-US media (golden)', () => {
  for (const firmware of ['uefi', 'bios'] as const) {
    it(firmware, () => {
      const rc = windowsContext({ firmware, drivers: [pePack(), osPack()] });
      for (const [name, body] of Object.entries(renderWinpeFiles(rc))) {
        golden(`steuer-mueller.${firmware}.${name}`, body);
      }
      golden(`steuer-mueller.${firmware}.ipxe`, renderIpxeInstall(rc));
    });
  }
});

describe('unattend.xml', () => {
  const skip = requireOrSkip(commandUnavailable('xmllint', 'libxml2-utils'));
  it.skipIf(skip)(
    'passes the envelope schema: specialize and oobeSystem only, English UI, German everything else',
    () => {
      const file = tmp('unattend.xml', renderAutounattend(windowsContext()));
      execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
      const xpath = (q: string): string =>
        execFileSync('xmllint', ['--xpath', q, file], { encoding: 'utf8' }).trim();
      expect(xpath("//*[local-name()='settings']/@pass")).toBe(
        'pass="specialize"\n pass="oobeSystem"',
      );
      const intl = "//*[local-name()='component'][@name='Microsoft-Windows-International-Core']";
      // en-US media have no German language pack: the UI stays English, input and formats German.
      expect(xpath(`string(${intl}/*[local-name()='UILanguage'])`)).toBe('en-US');
      expect(xpath(`string(${intl}/*[local-name()='InputLocale'])`)).toBe('0407:00000407');
      expect(xpath(`string(${intl}/*[local-name()='UserLocale'])`)).toBe('de-DE');
      expect(xpath("string(//*[local-name()='TimeZone'])")).toBe('W. Europe Standard Time');
      expect(xpath("string(//*[local-name()='RegisteredOrganization'])")).toBe(
        'Steuerberatung Müller & Söhne <GmbH>',
      );
      // The deployment's one-time password, never the admin secret.
      const encoded = xpath(
        "string(//*[local-name()='LocalAccount']/*[local-name()='Password']/*[local-name()='Value'])",
      );
      expect(Buffer.from(encoded, 'base64').toString('utf16le')).toBe('OneTime-7f3a!Password');
      // No product key in the profile: no key at all, so a firmware key (OA3) is used.
      expect(xpath("count(//*[local-name()='ProductKey'])")).toBe('0');
      expect(
        xpath("string(//*[local-name()='RunSynchronousCommand']/*[local-name()='Path'])"),
      ).toContain('/ru SYSTEM');
    },
  );

  it.skipIf(skip)('a German medium keeps the German UI', () => {
    const media = mediaRecord();
    media.uiLanguage = 'de-DE';
    for (const e of media.editions) e.languages = ['de-DE'];
    expect(renderAutounattend(windowsContext({ media }))).toContain(
      '<UILanguage>de-DE</UILanguage>',
    );
  });

  it.skipIf(skip)('the schema check can fail (x64 is not an architecture)', () => {
    const bad = renderAutounattend(windowsContext()).replace(/amd64/g, 'x64');
    expect(spawnSync('xmllint', ['--noout', '--schema', xsd, tmp('bad.xml', bad)]).status).not.toBe(
      0,
    );
  });
});

describe('diskpart scripts', () => {
  // MSL-D oem-deployment-of-windows-desktop-editions-sample-scripts: CreatePartitions-UEFI.txt
  // and CreatePartitions-BIOS.txt, with PrepStation's ESP of 300 MB and letters S/W/R.
  const known = [
    /^clean$/,
    /^convert gpt$/,
    /^create partition (efi|msr|primary)( size=\d+)?$/,
    /^format quick fs=(fat32|ntfs) label="(System|Windows|Recovery)"$/,
    /^assign letter="[SWR]"$/,
    /^active$/,
    /^shrink minimum=\d+$/,
    /^set id=("de94bba4-06d1-4d40-a16a-bfd50179d6ac"|27)$/,
    /^gpt attributes=0x8000000000000001$/,
    /^list volume$/,
    /^exit$/,
  ];
  for (const style of ['gpt', 'mbr'] as const) {
    for (const recovery of [false, true]) {
      it(`${style}${recovery ? ' with recovery' : ''}: only documented commands, CRLF`, () => {
        const text = diskpartLayout(style, recovery);
        expect(text.endsWith('\r\n')).toBe(true);
        const lines = text.split('\r\n').slice(0, -1);
        for (const l of lines)
          expect(
            known.some((k) => k.test(l)),
            l,
          ).toBe(true);
        if (style === 'gpt') {
          expect(lines.slice(0, 6)).toEqual([
            'clean',
            'convert gpt',
            'create partition efi size=300',
            'format quick fs=fat32 label="System"',
            'assign letter="S"',
            'create partition msr size=16',
          ]);
        } else {
          expect(lines).toContain('active');
          expect(lines).not.toContain('convert gpt');
        }
        expect(lines.includes('shrink minimum=1000')).toBe(recovery);
        expect(lines.at(-1)).toBe('exit');
      });
    }
  }
});

describe('what stops a Windows render, with what to do', () => {
  it('a medium that is not imported, an edition it lacks, a kept disk', () => {
    expect(() => renderWinpeFiles(windowsContext({ media: null }))).toThrow(
      /not in the media library/,
    );
    const rc = windowsContext();
    rc.profile = {
      ...germanProfile(),
      target: { ...rc.profile.target, edition: 'Enterprise' } as typeof rc.profile.target,
    };
    expect(() => renderWinpeFiles(rc)).toThrow(/no edition "Enterprise"; it has Windows 11 Home/);
    const keep = windowsContext();
    keep.profile = germanProfile({ wipe: false });
    expect(() => renderWinpeFiles(keep)).toThrow(RenderError);
    const noCurl = mediaRecord();
    noCurl.winpe = { curl: null, dlls: [] };
    expect(() => renderWinpeFiles(windowsContext({ media: noCurl }))).toThrow(/no curl.exe/);
  });
});
