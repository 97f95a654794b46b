import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { profileSchema, type Profile, type ProfileInput } from '../../main/profiles/schema.js';
import type { SimulateOptions } from '../../main/simulate/run.js';
import { startTestStation, type TestStation } from './station.js';

/**
 * The shared test fixtures: profiles (acme, acme-wifi, the simulated benches' office
 * profiles), a station with them, and the set-up a bench needs before machines boot
 * (the admin secret, app packages) through the station's own API.
 */

/** A small valid profile: 5 plan steps (inventory, 2 apps, 1 config, 1 check). */
export const acmeInput: ProfileInput = {
  id: 'acme',
  name: 'Acme office PCs',
  customer: { name: 'Müller & Söhne <GmbH>', code: 'ACME' },
  target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
  admin: { username: 'admin', password: { secret: 'admin-password' } },
  apps: [
    {
      id: 'firefox',
      name: 'Firefox',
      source: { system: 'firefox' },
      installer: 'system',
      retries: 1,
    },
    { id: 'tool', name: 'Remote tool', source: { package: 'tool' }, installer: 'sh', retries: 0 },
  ],
  config: [{ id: 'motd', type: 'file', path: '/etc/motd', content: 'welcome' }],
  checks: [{ id: 'ff', type: 'app-installed', app: 'firefox' }],
};

export const acme: Profile = profileSchema.parse(acmeInput);

/** acme plus a Wi-Fi step whose passphrase is a secret, and hostname/join checks. */
export const acmeWifiInput: ProfileInput = {
  ...acmeInput,
  id: 'acme-wifi',
  hostname: '{customer.code}-{serial|last:6}',
  config: [
    {
      id: 'office-wifi',
      type: 'wifi',
      ssid: 'Acme Office',
      passphrase: { secret: 'office-wifi' },
    },
  ],
  checks: [
    { id: 'host', type: 'hostname' },
    { id: 'workgroup', type: 'joined' },
  ],
};

export function writeProfile(profilesDir: string, input: ProfileInput = acmeInput): void {
  fs.mkdirSync(profilesDir, { recursive: true });
  fs.writeFileSync(path.join(profilesDir, `${input.id}.yaml`), stringify(input));
}

/** The admin password acme's answer files are rendered with on a test station. */
export const ACME_ADMIN_PASSWORD = 'Adm1n-pw';

export const ACME_STEPS = [
  'inventory',
  'config-local-admin',
  'app-firefox',
  'app-tool',
  'config-motd',
  'check-ff',
];

/**
 * A real station with the acme profile in its profiles dir from the start (the profile
 * store reads the dir at start) and the admin-password secret its answer files need.
 */
export async function startAcmeStation(flags: string[] = []): Promise<TestStation> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-profiles-'));
  writeProfile(dir);
  writeProfile(dir, acmeWifiInput);
  const ts = await startTestStation(['--profiles', dir, ...flags]);
  await putSecret(ts, 'admin-password', ACME_ADMIN_PASSWORD);
  return {
    ...ts,
    stop: async () => {
      try {
        await ts.stop();
      } catch (err) {
        // The log transport may still be closing its file while the data dir is removed.
        if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw err;
        fs.rmSync(ts.dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stores a secret through the UI API, as the Secrets page does; throws when refused. */
export async function putSecret(
  st: Pick<TestStation, 'api'>,
  name: string,
  value: string,
): Promise<void> {
  const r = await st.api(`/api/v1/secrets/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value }),
  });
  if (!r.ok) throw new Error(`PUT secret ${name}: HTTP ${r.status} ${await r.text()}`);
}

/**
 * acme in the station's own profiles folder (the store picks it up by watching) and its
 * admin secret: a bench where assigned machines get their answer file.
 */
export async function addAcme(st: TestStation): Promise<void> {
  writeProfile(path.join(st.dataDir, 'profiles'));
  await putSecret(st, 'admin-password', ACME_ADMIN_PASSWORD);
}

/** Uploads an app package through the UI API (the app library's import); throws when refused. */
export async function importPackage(
  st: Pick<TestStation, 'api'>,
  p: { id: string; fileName: string; body: Buffer | string; name?: string; version?: string },
): Promise<void> {
  const q = new URLSearchParams({
    name: p.name ?? p.id,
    id: p.id,
    version: p.version ?? '1',
    fileName: p.fileName,
  });
  const r = await st.api(`/api/v1/apps?${q}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: typeof p.body === 'string' ? p.body : new Uint8Array(p.body),
  });
  if (!r.ok) throw new Error(`import package ${p.id}: HTTP ${r.status} ${await r.text()}`);
}

/**
 * The profile of a simulated bench: Ubuntu 24.04 (what the simulator installs), the admin
 * password a secret, a motd file and the checks given (by default: the first app is
 * installed). Each test names its own customer and apps.
 */
export function simulatedProfile(o: {
  id: string;
  name: string;
  customer: { name: string; code: string };
  username: string;
  secret: string;
  apps: NonNullable<ProfileInput['apps']>;
  motd: string;
  checks?: ProfileInput['checks'];
}): ProfileInput {
  const first = o.apps[0]!.id;
  return {
    id: o.id,
    name: o.name,
    customer: o.customer,
    target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
    admin: { username: o.username, password: { secret: o.secret } },
    apps: o.apps,
    config: [{ id: 'motd', type: 'file', path: '/etc/motd', content: o.motd }],
    checks: o.checks ?? [{ id: first, type: 'app-installed', app: first }],
  };
}

/**
 * `prepstation simulate` options for a test: the bench URL and machine count, the rest as
 * the test sets them; unassigned machines wait 600 bench seconds, nothing is measured.
 */
export function simulateOptions(
  o: Pick<
    SimulateOptions,
    'benchUrl' | 'machines' | 'speed' | 'failRate' | 'rebootRate' | 'seed' | 'rampSeconds'
  > &
    Partial<SimulateOptions>,
): SimulateOptions {
  return { ui: null, assign: null, waitSeconds: 600, measure: false, ...o };
}

/**
 * The power-cut bench of the agent tests (agent.sh and agent.ps1 alike): slow1 runs until
 * the test creates <work>/slow1-go (on a loaded host a fixed sleep could end, and be
 * reported, before the kill lands), slow2 sleeps 4 s, big is a 3 MiB download to resume.
 * Each run of a slow step appends a line to <work>/<name>-runs, so a test can count runs.
 */
export function powerCutBench(
  id: string,
  work: string,
): { profile: ProfileInput; packages: { id: string; fileName: string; body: Buffer | string }[] } {
  const slow = (name: string, secs: number) =>
    `echo run >> "$1/${name}-runs"; echo "${name} working"; sleep ${secs}; echo "${name} finished"\n`;
  const gated = (name: string) =>
    `echo run >> "$1/${name}-runs"; echo "${name} working"; while [ ! -e "$1/${name}-go" ]; do sleep 1; done; echo "${name} finished"\n`;
  const script = (app: string, name: string) =>
    ({ id: app, name, source: { package: app }, installer: 'sh', args: work }) as const;
  return {
    profile: {
      id,
      name: 'Restart test',
      target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
      admin: { username: 'tech', password: { secret: 'admin-password' } },
      apps: [
        script('slow1', 'Slow one'),
        script('slow2', 'Slow two'),
        { id: 'big', name: 'Big download', source: { package: 'big' }, installer: 'sh' },
      ],
    },
    packages: [
      { id: 'slow1', fileName: 'slow1.sh', body: gated('slow1') },
      { id: 'slow2', fileName: 'slow2.sh', body: slow('slow2', 4) },
      {
        id: 'big',
        fileName: 'big.sh',
        body: Buffer.concat([Buffer.from('exit 0\n#'), crypto.randomBytes(3 * 1024 * 1024)]),
      },
    ],
  };
}
