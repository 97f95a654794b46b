import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseProfileSource,
  stringifyProfile,
  type ProfileIssue,
} from '../../../../main/profiles/parse.js';
import { hashOf, parseProfile, resolveAll } from '../../../../main/profiles/resolve.js';

const samplesDir = path.join(import.meta.dirname, '../../../../profiles');
const samples = fs
  .readdirSync(samplesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) =>
    parseProfileSource(fs.readFileSync(path.join(samplesDir, f), 'utf8'), `profiles/${f}`),
  );
const base = samples.find((s) => s.id === 'windows-11-base')!;

const windowsBase = `id: win-base
name: Base
target:
  os: windows
  version: "11"
  edition: Pro
  media: win11
  # no image and no share: the imported medium says where the image is
  labBypass: false
admin:
  username: admin
  password: { secret: admin-pw }
`;

function issuesOf(files: Record<string, string>, id: string): ProfileIssue[] {
  const sources = new Map(
    Object.entries(files).map(([name, text]) => {
      const s = parseProfileSource(text, name);
      return [s.id, s] as const;
    }),
  );
  const r = resolveAll(sources).get(id)!;
  return r.ok ? [] : r.issues;
}

describe('sample profiles', () => {
  it('all five resolve and validate', () => {
    const resolved = resolveAll(new Map(samples.map((s) => [s.id, s])));
    expect([...resolved.keys()]).toHaveLength(5);
    for (const [id, r] of resolved) expect(r.ok ? 'ok' : r.issues, id).toBe('ok');
  });

  it('a customer overrides one app field of its base by id and keeps the rest in order', () => {
    const r = resolveAll(new Map(samples.map((s) => [s.id, s]))).get('dental-weber')!;
    if (!r.ok) throw new Error('dental-weber invalid');
    expect(r.chain).toEqual(['dental-weber', 'windows-11-base']);
    expect(r.profile.apps.map((a) => a.id)).toEqual([
      'firefox',
      'acrobat-reader',
      '7zip',
      'teamviewer-host',
      'xray-viewer',
    ]);
    const firefox = r.profile.apps[0]!;
    expect(firefox.args).toContain('INTL_ACCEPT_LANGUAGES=de-DE');
    expect(firefox.installer).toBe('msi'); // inherited
    expect(r.profile.abstract).toBe(false); // never inherited
  });

  it('a domain join replaces the base workgroup instead of merging into it', () => {
    const r = resolveAll(new Map(samples.map((s) => [s.id, s]))).get('law-firm-mueller')!;
    expect(r.ok && r.profile.join).toMatchObject({
      type: 'domain',
      domain: 'kanzlei.mueller-soehne.example',
    });
  });
});

describe('broken profiles: one clear error at the right line', () => {
  // [name, files, profile to check, expected "file:line:col" and message part]
  const cases: [string, Record<string, string>, string, string, RegExp][] = [
    ['bad YAML', { 'y.yaml': 'id: y\nname: [unclosed\nhostname: x\n' }, 'y', 'y.yaml:3:', /YAML/],
    [
      'unknown key',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\nadmn:\n  username: x\n',
      },
      'c',
      'c.yaml:3:1',
      /unknown key "admn"/,
    ],
    [
      'wrong type',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\ndisk:\n  wipe: "yes please"\n',
      },
      'c',
      'c.yaml:4:9',
      /wipe must be a boolean/,
    ],
    [
      'an old profile with target.share is told what to write instead',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\ntarget:\n  share: { path: x, username: deploy }\n',
      },
      'c',
      'c.yaml:4:3',
      /target\.share was removed: WinPE downloads the image over HTTP.*media: <id>/,
    ],
    [
      'an old profile with target.image is told to write edition',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\ntarget:\n  image: { index: 6 }\n',
      },
      'c',
      'c.yaml:4:3',
      /target\.image was removed: write edition: <EDITIONID or NAME>/,
    ],
    [
      'an old folder path as media says to import the ISO',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\ntarget:\n  media: windows/win11-24h2\n',
      },
      'c',
      'c.yaml:4:10',
      /id of an imported medium.*prepstation media import/,
    ],
    [
      'an edition that could inject into a script is refused',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\ntarget:\n  edition: "Pro${x}"\n',
      },
      'c',
      'c.yaml:4:12',
      /edition: letters, digits, spaces/,
    ],
    [
      'missing base',
      { 'c.yaml': 'id: c\nname: C\nextends: nowhere\n' },
      'c',
      'c.yaml:3:10',
      /no profile nowhere\.yaml/,
    ],
    [
      'cycle in extends',
      { 'a.yaml': 'id: a\nextends: b\n', 'b.yaml': 'id: b\nextends: a\n' },
      'a',
      'a.yaml:2:10',
      /extends cycle: .*a -> b -> a|b -> a -> b/,
    ],
    [
      'id differs from file name',
      { 'x.yaml': 'id: y\nname: X\n' },
      'x',
      'x.yaml:1:5',
      /must match the file name/,
    ],
    [
      'error inherited from the base points into the base file',
      {
        'win-base.yaml': windowsBase.replace('edition: Pro', 'edition: 7'),
        'c.yaml': 'id: c\nextends: win-base\n',
      },
      'c',
      'c.yaml:2:10',
      /base profile "win-base" has errors/,
    ],
    [
      'missing required key points at the parent',
      { 'w.yaml': windowsBase.replace('id: win-base', 'id: w').replace(/admin:\n.*\n.*\n/, '') },
      'w',
      'w.yaml:1:1',
      /missing admin/,
    ],
    [
      'unknown hostname variable',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\nhostname: "{serail}"\n',
      },
      'c',
      'c.yaml:3:11',
      /unknown variable \{serail\}/,
    ],
    [
      'a Windows hostname pattern that can pass 15 characters',
      {
        'win-base.yaml': windowsBase,
        'c.yaml': 'id: c\nextends: win-base\nhostname: "BENCH-{serial}"\n',
      },
      'c',
      'c.yaml:3:11',
      /Windows computer names keep 15 characters/,
    ],
    [
      'check names an app that is not there',
      {
        'win-base.yaml': windowsBase,
        'c.yaml':
          'id: c\nextends: win-base\nchecks:\n  - id: x\n    type: app-installed\n    app: nope\n',
      },
      'c',
      'c.yaml:6:10',
      /no app with id "nope"/,
    ],
  ];
  it.each(cases)('%s', (_name, files, id, where, message) => {
    const issues = issuesOf(files, id);
    expect(issues.length).toBeGreaterThanOrEqual(1);
    const first = issues[0]!;
    expect(
      `${first.file}:${first.line}:${first.col}`.startsWith(where),
      JSON.stringify(issues),
    ).toBe(true);
    expect(first.message).toMatch(message);
  });

  it('the base itself reports the error at its own line', () => {
    const issues = issuesOf(
      { 'win-base.yaml': windowsBase.replace('edition: Pro', 'edition: 7') },
      'win-base',
    );
    expect(issues).toEqual([expect.objectContaining({ file: 'win-base.yaml', line: 6, col: 12 })]);
  });

  it('a union of app sources explains the branch that was meant', () => {
    const issues = issuesOf(
      {
        'win-base.yaml': windowsBase,
        'c.yaml':
          'id: c\nextends: win-base\napps:\n  - id: a\n    name: A\n    source: { url: "https://x.example/a.msi" }\n',
      },
      'c',
    );
    expect(issues.map((i) => i.message)).toEqual([
      'missing sha256 (string)',
      'missing size (number)',
    ]);
    expect(issues.every((i) => i.line === 6)).toBe(true);
  });
});

describe('parseProfile / stringifyProfile', () => {
  it('round-trips a resolved profile', () => {
    const r = parseProfile(
      fs.readFileSync(path.join(samplesDir, 'dental-weber.yaml'), 'utf8'),
      'dental-weber.yaml',
      [base],
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const text = stringifyProfile({ ...r.profile, extends: undefined });
    const again = parseProfile(text, 'dental-weber.yaml');
    if (!again.ok) throw new Error(JSON.stringify(again.issues));
    expect(again.profile).toEqual({ ...r.profile, extends: undefined });
    expect(again.hash).toBe(hashOf({ ...r.profile, extends: undefined }));
  });

  it('hash ignores key order and changes with content', () => {
    const a = parseProfile(windowsBase, 'win-base.yaml');
    const reordered = windowsBase.replace('name: Base\n', '') + 'name: Base\n';
    const b = parseProfile(reordered, 'win-base.yaml');
    const c = parseProfile(windowsBase.replace('name: Base', 'name: Other'), 'win-base.yaml');
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.hash).toBe(b.hash);
      expect(a.hash).not.toBe(c.hash);
    }
  });
});
