import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { startTestStation, type TestStation } from '../../../helpers/station.js';
import {
  profileSchema,
  type Profile,
  type ProfileInput,
} from '../../../../main/profiles/schema.js';

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
  await ts.api('/api/v1/secrets/admin-password', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'Adm1n-pw' }),
  });
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
