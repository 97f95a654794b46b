import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadProfileDir } from '../../../../../main/profiles/load-dir.js';
import {
  maskedSecrets,
  renderAnswerFile,
  renderIpxeInstall,
  renderMachineFile,
  renderWinpeFiles,
  answerFormatFor,
  kernelCommandLine,
  type RenderContext,
  type SecretResolver,
} from '../../../../../main/profiles/render/index.js';
import { encodeUnattendPassword } from '../../../../../main/profiles/render/autounattend.js';
import type { Profile } from '../../../../../main/profiles/schema.js';
import { commandUnavailable, requireOrSkip } from '../../../../helpers/env.js';
import { mediaRecord } from '../../../../helpers/winpe-fixtures.js';

const root = path.join(import.meta.dirname, '../../../../..');
const goldenDir = path.join(root, 'test/golden/profiles');
const xsd = path.join(root, 'test/fixtures/profiles/autounattend-envelope.xsd');
// UPDATE_GOLDEN=1 npx vitest run test/unit/main/profiles/render rewrites the golden files.
const update = process.env.UPDATE_GOLDEN === '1';

function profiles(dir: string): Map<string, Profile> {
  const out = new Map<string, Profile>();
  for (const [id, r] of loadProfileDir(dir).resolved) if (r.ok) out.set(id, r.profile);
  return out;
}
const all = new Map([
  ...profiles(path.join(root, 'profiles')),
  ...profiles(path.join(root, 'test/fixtures/profiles')),
]);

const HOSTILE_PW = `pa"ss'w$rd\\x&<y>%!`;
const hostileSecrets: SecretResolver = { masked: false, get: () => HOSTILE_PW };

function rc(
  id: string,
  firmware: 'bios' | 'uefi',
  secrets: SecretResolver = maskedSecrets,
): RenderContext {
  const profile = all.get(id);
  if (!profile) throw new Error(`no valid profile ${id}`);
  return {
    profile,
    machine: {
      id: 'm-0001',
      macs: ['52:54:00:ab:cd:ef'],
      serial: '5CG2041XYZ',
      vendor: 'HP',
      model: 'EliteDesk 800 G9',
    },
    token: 'TOKEN-abc123',
    stationUrl: 'http://192.168.50.1:8080',
    firmware,
    secrets,
    ...(profile.target.os === 'windows' ? { media: mediaRecord() } : {}),
    // A machine render gets the deployment's one-time password (the station derives it); here
    // the admin secret's test value stands in for it, so hostile values reach every format.
    ...(secrets.masked ? {} : oneTime(secrets, profile)),
  };
}

function oneTime(secrets: SecretResolver, profile: Profile): { adminPassword?: string } {
  try {
    return { adminPassword: secrets.get(profile.admin.password.secret) };
  } catch {
    return {};
  }
}

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
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ps5-render-'));
  const f = path.join(d, name);
  fs.writeFileSync(f, body);
  return f;
};

const assignable = [
  'dental-weber',
  'law-firm-mueller',
  'school-lab',
  'debian-12-office',
  'fedora-41-lab',
];

describe('golden files (masked secrets)', () => {
  for (const id of assignable) {
    for (const firmware of ['uefi', 'bios'] as const) {
      it(`${id} ${firmware}`, () => {
        const c = rc(id, firmware);
        const format = answerFormatFor(c);
        golden(`${id}.${firmware}.${format}`, renderAnswerFile(format, c));
        golden(`${id}.${firmware}.ipxe`, renderIpxeInstall(c));
        if (format === 'autounattend') {
          for (const [name, body] of Object.entries(renderWinpeFiles(c)))
            golden(`${id}.${firmware}.${name}`, body);
        }
      });
    }
  }
});

describe('autounattend.xml', () => {
  const skip = requireOrSkip(commandUnavailable('xmllint', 'libxml2-utils'));
  it.skipIf(skip)('is valid for every Windows profile with a hostile customer and password', () => {
    for (const id of ['dental-weber', 'law-firm-mueller']) {
      for (const fw of ['uefi', 'bios'] as const) {
        const xml = renderAnswerFile('autounattend', rc(id, fw, hostileSecrets));
        const file = tmp('autounattend.xml', xml);
        execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
        const xpath = (q: string): string =>
          execFileSync('xmllint', ['--xpath', q, file], { encoding: 'utf8' }).trim();
        const passes = xpath("//*[local-name()='settings']/@pass");
        // WinPE applies the image itself: no windowsPE pass, Setup never reads this file.
        expect(passes).toBe('pass="specialize"\n pass="oobeSystem"');
        expect(xpath("string(//*[local-name()='ComputerName'])")).toMatch(/^[A-Z]+-[0-9A-Z]{1,6}$/);
        // The agent's task must start on battery at the very first boot (schtasks /create
        // keeps Task Scheduler's battery defaults): the second specialize command clears them.
        expect(
          xpath(
            "string(//*[local-name()='RunSynchronousCommand'][*[local-name()='Order']='2']/*[local-name()='Path'])",
          ),
        ).toContain(
          'New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries',
        );
        if (id === 'law-firm-mueller') {
          // The hostile values come back exactly once parsed, so nothing was cut or doubled.
          expect(xpath("string(//*[local-name()='RegisteredOrganization'])")).toBe(
            'Müller & Söhne <GmbH>',
          );
          // The domain is joined by the agent: no join account in a file the bench can fetch.
          expect(xpath("count(//*[local-name()='Credentials'])")).toBe('0');
          expect(xpath("count(//*[local-name()='UnattendedJoin'])")).toBe('0');
        }
        const encoded = xpath(
          "string(//*[local-name()='LocalAccount']/*[local-name()='Password']/*[local-name()='Value'])",
        );
        expect(Buffer.from(encoded, 'base64').toString('utf16le')).toBe(HOSTILE_PW + 'Password');
      }
    }
  });

  it.skipIf(skip)('the envelope schema catches a wrong architecture (the check can fail)', () => {
    const xml = renderAnswerFile('autounattend', rc('dental-weber', 'uefi')).replace(
      /amd64/g,
      'x64',
    );
    const r = spawnSync('xmllint', ['--noout', '--schema', xsd, tmp('a.xml', xml)]);
    expect(r.status).not.toBe(0);
  });

  it('encodes passwords like Microsoft examples', () => {
    // MSL-U LocalAccount/Password/Value: "pw" -> base64(UTF-16LE("pwPassword")).
    expect(
      Buffer.from(encodeUnattendPassword('pw', 'Password'), 'base64').toString('utf16le'),
    ).toBe('pwPassword');
  });
});

describe('WinPE files', () => {
  it('name the report URL and the agent URL of this machine', () => {
    const files = renderWinpeFiles(rc('dental-weber', 'uefi'));
    expect(files['deploy.cmd']).toContain(
      'set "PS_REPORT=http://192.168.50.1:8080/t/TOKEN-abc123/winpe"',
    );
    expect(files['prepstation-start.cmd']).toContain(
      'http://192.168.50.1:8080/t/TOKEN-abc123/agent.ps1',
    );
    expect(files['winpeshl.ini']).toMatch(/^\[LaunchApps\]\r\n/);
    expect(files['deploy.cmd']).not.toContain('setup.exe');
  });
});

describe('Ubuntu autoinstall user-data', () => {
  it('is cloud-config with a valid autoinstall section and the hostile values intact', () => {
    const c = rc('school-lab', 'uefi', hostileSecrets);
    c.profile = {
      ...c.profile,
      admin: { ...c.profile.admin, fullName: 'Müller & Söhne <GmbH> "x" \'y\' $z \\' },
    };
    const text = renderAnswerFile('autoinstall', c);
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const doc = YAML.parse(text) as { autoinstall: Record<string, unknown> };
    const ai = doc.autoinstall;
    // Structural check (no cloud-init here): the keys subiquity 24.04 accepts, with their types.
    const known = [
      'version',
      'locale',
      'keyboard',
      'timezone',
      'identity',
      'ssh',
      'storage',
      'packages',
      'late-commands',
      // Subiquity's reporting section (a webhook): the installer's progress for the bench.
      'reporting',
      'shutdown',
    ];
    expect(Object.keys(ai).filter((k) => !known.includes(k))).toEqual([]);
    expect(ai.version).toBe(1);
    const identity = ai.identity as Record<string, string>;
    expect(identity.realname).toBe('Müller & Söhne <GmbH> "x" \'y\' $z \\');
    expect(identity.password).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(text).not.toContain(HOSTILE_PW);
    const late = ai['late-commands'] as string[][];
    expect(late[0]!.slice(0, 5)).toEqual(['curtin', 'in-target', '--', 'sh', '-c']);
    expect(late[0]![5]).toContain(
      'Environment=PREPSTATION_AGENT_URL=http://192.168.50.1:8080/t/TOKEN-abc123/agent.sh',
    );
  });

  it('the agent setup script is valid sh', () => {
    const text = renderAnswerFile('autoinstall', rc('school-lab', 'uefi'));
    const script = (YAML.parse(text).autoinstall['late-commands'] as string[][])[0]![5]!;
    const r = spawnSync('sh', ['-n', tmp('setup.sh', script)]);
    expect(r.status).toBe(0);
  });

  it('the kernel line points the NoCloud seed at the machine URL', () => {
    const c = rc('school-lab', 'uefi');
    expect(kernelCommandLine(c)).toContain(
      'autoinstall ds=nocloud;s=http://192.168.50.1:8080/t/TOKEN-abc123/',
    );
    expect(renderIpxeInstall(c)).toMatch(/^kernel \S+ initrd=initrd /m);
    expect(renderIpxeInstall(rc('school-lab', 'bios'))).not.toContain('initrd=initrd');
    expect(renderMachineFile('meta-data', c)!.body).toContain('instance-id: prepstation-m-0001');
  });
});

/**
 * cloud-init's own schema check (`cloud-init schema -c`). The cloud-init package ships
 * system services, so it is never installed: its .deb is extracted into a cache (as the
 * pxe-lab does with firmware) and run from there with Debian's Python libraries.
 */
const CLOUD_INIT_CACHE = '/var/tmp/prepstation-cloud-init';
function cloudInitUnavailable(): string | null {
  const pkg = path.join(CLOUD_INIT_CACHE, 'root/usr/lib/python3/dist-packages');
  if (!fs.existsSync(path.join(pkg, 'cloudinit'))) {
    if (process.getuid?.() !== 0) return 'cloud-init is not extracted and extracting needs root';
    try {
      fs.mkdirSync(CLOUD_INIT_CACHE, { recursive: true });
      execFileSync('apt-get', ['download', 'cloud-init'], {
        cwd: CLOUD_INIT_CACHE,
        stdio: 'ignore',
        timeout: 120_000,
      });
      const deb = fs
        .readdirSync(CLOUD_INIT_CACHE)
        .find((f) => f.startsWith('cloud-init_') && f.endsWith('.deb'));
      if (!deb) return 'apt-get download cloud-init gave no .deb';
      execFileSync('dpkg-deb', ['-x', deb, 'root'], { cwd: CLOUD_INIT_CACHE, stdio: 'ignore' });
    } catch (err) {
      return `cannot fetch cloud-init: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  const libs = spawnSync('/usr/bin/python3', [
    '-c',
    'import yaml, jsonschema, jinja2, configobj, requests, jsonpatch',
  ]);
  return libs.status === 0
    ? null
    : 'python3-jsonschema/jinja2/configobj/requests/jsonpatch are not installed';
}

function cloudInitSchema(text: string): { status: number | null; output: string } {
  const r = spawnSync(
    '/usr/bin/python3',
    ['-m', 'cloudinit.cmd.main', 'schema', '-c', tmp('user-data', text)],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        PYTHONPATH: path.join(CLOUD_INIT_CACHE, 'root/usr/lib/python3/dist-packages'),
      },
    },
  );
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('cloud-init schema', () => {
  const skip = requireOrSkip(cloudInitUnavailable());
  it.skipIf(skip)('accepts the user-data for UEFI and BIOS with hostile values', () => {
    for (const fw of ['uefi', 'bios'] as const) {
      const c = rc('school-lab', fw, hostileSecrets);
      c.profile = {
        ...c.profile,
        admin: { ...c.profile.admin, fullName: 'Müller & Söhne <GmbH> "x" \'y\' $z \\' },
      };
      const r = cloudInitSchema(renderAnswerFile('autoinstall', c));
      expect(r.output).toContain('Valid cloud-config');
      expect(r.status).toBe(0);
    }
  });

  it.skipIf(skip)('and rejects a broken one (the check can fail)', () => {
    expect(cloudInitSchema('#cloud-config\nruncmd: 5\n').status).not.toBe(0);
  });
});

describe('Debian preseed', () => {
  const skip = requireOrSkip(commandUnavailable('debconf-set-selections', 'debconf'));
  it.skipIf(skip)('passes debconf-set-selections -c with hostile values', () => {
    const c = rc('debian-12-office', 'bios', hostileSecrets);
    const text = renderAnswerFile('preseed', c);
    const r = spawnSync('debconf-set-selections', ['-c', tmp('preseed.cfg', text)], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(text).toContain('d-i passwd/user-fullname string Müller & Söhne <GmbH> "Admin"');
    expect(text).not.toContain(HOSTILE_PW);
    expect(text).toContain('partman-partitioning/choose_label select msdos');
  });

  it.skipIf(skip)('a line break in a value cannot forge another question', () => {
    const c = rc('debian-12-office', 'uefi');
    c.profile = {
      ...c.profile,
      admin: { ...c.profile.admin, fullName: 'x\nd-i passwd/root-login boolean true' },
    };
    const text = renderAnswerFile('preseed', c);
    expect(text).not.toMatch(/^d-i passwd\/root-login boolean true$/m);
    expect(spawnSync('debconf-set-selections', ['-c', tmp('p.cfg', text)]).status).toBe(0);
  });
});

describe('kickstart', () => {
  it('quotes values so a shlex split (pykickstart) gives them back', () => {
    const c = rc('fedora-41-lab', 'uefi', hostileSecrets);
    const text = renderAnswerFile('kickstart', c);
    const user = text.split('\n').find((l) => l.startsWith('user '))!;
    const py = spawnSync(
      'python3',
      ['-c', 'import shlex,sys,json; print(json.dumps(shlex.split(sys.stdin.read())))'],
      {
        input: user,
        encoding: 'utf8',
      },
    );
    if (py.status !== 0) throw new Error(py.stderr);
    const argv = JSON.parse(py.stdout) as string[];
    expect(argv).toContain("--gecos=Müller & Söhne <GmbH> 'Admin'");
    expect(argv.find((a) => a.startsWith('--password='))).toMatch(/^--password=\$6\$/);
    expect(text).toMatch(
      /%post --log=\/root\/prepstation-post\.log\n[\s\S]*systemctl enable prepstation-agent\.service\n%end/,
    );
    expect(kernelCommandLine(c)).toContain(
      'inst.ks=http://192.168.50.1:8080/t/TOKEN-abc123/ks.cfg',
    );
  });
});

describe('secrets in renders', () => {
  it("the domain join is the agent's: no join account or password in preview or machine render", () => {
    const masked = renderAnswerFile('autounattend', rc('law-firm-mueller', 'uefi'));
    expect(masked).not.toContain('<Credentials>');
    const real = renderAnswerFile(
      'autounattend',
      rc('law-firm-mueller', 'uefi', { masked: false, get: (n) => `value-of-${n}` }),
    );
    expect(real).not.toContain('value-of-');
    expect(real).not.toContain('JoinDomain');
  });

  it('previews carry only the mask; the machine render carries the value (product key)', () => {
    const withKey = (c: ReturnType<typeof rc>): ReturnType<typeof rc> => ({
      ...c,
      profile: {
        ...c.profile,
        target: { ...c.profile.target, productKey: { secret: 'retail-key' } },
      } as typeof c.profile,
    });
    const masked = renderAnswerFile('autounattend', withKey(rc('law-firm-mueller', 'uefi')));
    expect(masked).toContain('<ProductKey>********</ProductKey>');
    const real = renderAnswerFile(
      'autounattend',
      withKey(rc('law-firm-mueller', 'uefi', { masked: false, get: (n) => `value-of-${n}` })),
    );
    expect(real).toContain('<ProductKey>value-of-retail-key</ProductKey>');
  });

  it('the admin password hash follows the password (hashes are reused, never stale)', () => {
    const hashOf = (pw: string, machine = 'm-0001'): string => {
      const c = rc('school-lab', 'uefi', { masked: false, get: () => pw });
      c.machine = { ...c.machine, id: machine };
      const doc = YAML.parse(renderAnswerFile('autoinstall', c)) as {
        autoinstall: { identity: { password: string } };
      };
      return doc.autoinstall.identity.password;
    };
    const first = hashOf('first-Pa55');
    expect(hashOf('first-Pa55')).toBe(first);
    const second = hashOf('second-Pa55');
    expect(second).not.toBe(first);
    expect(hashOf('first-Pa55')).toBe(first);
    // The salt is per machine: another machine with the same password gets another hash.
    expect(hashOf('first-Pa55', 'm-0002')).not.toBe(first);
  });

  it('a missing secret stops the render with its name', async () => {
    const { storeSecrets } = await import('../../../../../main/profiles/render/index.js');
    // The admin password is the deployment's one-time value; a product key reads a secret.
    const c = rc('law-firm-mueller', 'uefi', storeSecrets({ reveal: () => undefined }));
    c.profile = {
      ...c.profile,
      target: { ...c.profile.target, productKey: { secret: 'retail-key' } },
    } as typeof c.profile;
    expect(() => renderAnswerFile('autounattend', c)).toThrow(/secret "retail-key" is not set/);
  });
});
