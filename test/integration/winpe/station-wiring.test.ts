import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDetail, MachineSummary } from '../../../main/api/contract.js';
import { DriverLibrary } from '../../../main/drivers/library.js';
import { MANIFEST } from '../../../main/media/importer.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import { mediaRecord } from '../../helpers/winpe-fixtures.js';

/**
 * The Windows path through a real station: a sample Windows profile, a medium in the media
 * library, a driver pack for the machine's model (learned from iPXE's SMBIOS values). The
 * boot script, deploy.cmd, the curl configs and unattend.xml are what the machine fetches.
 */
const samples = path.join(import.meta.dirname, '../../../profiles');
const ADMIN_SECRET = 'Real-Admin-Secret-4711';
let ts: TestStation;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-winpe-station-'));
  const profiles = path.join(dir, 'profiles');
  fs.mkdirSync(profiles);
  for (const f of ['windows-11-base.yaml', 'dental-weber.yaml']) {
    fs.copyFileSync(path.join(samples, f), path.join(profiles, f));
  }
  ts = await startTestStation(['--profiles', profiles]);
  const files = ts.station.ctx.paths.filesDir;
  const media = path.join(files, 'media', 'win11-24h2');
  fs.mkdirSync(media, { recursive: true });
  fs.writeFileSync(path.join(media, MANIFEST), JSON.stringify(mediaRecord('esd')));
  const src = path.join(dir, 'pack');
  fs.mkdirSync(path.join(src, 'audio'), { recursive: true });
  fs.writeFileSync(path.join(src, 'audio', 'RtkAud.inf'), '[Version]\r\n');
  await new DriverLibrary(files).import({
    source: src,
    vendor: 'Dell Inc.',
    model: 'Latitude 5440',
    winpe: false,
  });
  for (const [name, value] of [
    ['admin-password', ADMIN_SECRET],
    ['dental-weber-wifi', 'wifi-pass'],
  ]) {
    await ts.api(`/api/v1/secrets/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
  }
});
afterAll(async () => {
  await ts?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a Windows machine on a real station', () => {
  it('boots wimboot with its files, fetches them, and its WinPE reports move its row', async () => {
    const mac = '52:54:00:00:15:a1';
    const r = await ts.api('/api/v1/machines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac, profile: 'dental-weber' }),
    });
    const id = ((await r.json()) as MachineSummary).id;
    const q = `mac=${mac}&platform=efi&manufacturer=${encodeURIComponent('Dell Inc.')}&product=${encodeURIComponent('Latitude 5440')}&serial=CN0ABC123`;
    const script = await (await fetch(`${ts.benchUrl}/boot/ipxe?${q}`)).text();
    expect(script, script).toContain(
      `${ts.benchUrl}/files/media/win11-24h2/sources/boot.wim boot.wim`,
    );
    expect(script).toMatch(
      /initrd -n curl\.exe \S+\/files\/media\/win11-24h2\/winpe\/curl\.exe curl\.exe/,
    );
    const token = /\/t\/([A-Za-z0-9_-]+)\/deploy\.cmd/.exec(script)![1]!;
    const get = async (file: string) => {
      const res = await fetch(`${ts.benchUrl}/t/${token}/${file}`);
      expect(res.status, file).toBe(200);
      return res.text();
    };

    const deploy = await get('deploy.cmd');
    expect(deploy).toContain(`set "PS_REPORT=${ts.benchUrl}/t/${token}/winpe"`);
    expect(deploy).toContain('index=6&image=esd&pePacks=&packs=dell-latitude-5440');
    expect(await get('ps-apply.cmd')).toContain(
      '/ImageFile:W:\\PrepStation\\image\\install.esd /Index:6',
    );
    expect(await get('ps-drivers.curl')).toContain(
      `url = "${ts.benchUrl}/files/drivers/dell-latitude-5440/files/audio/RtkAud.inf"`,
    );
    const unattend = await get('unattend.xml');
    // The local admin gets the deployment's one-time password, never the admin secret.
    const pw = /<LocalAccount[\s\S]*?<Value>([^<]+)<\/Value>/.exec(unattend)![1]!;
    const decoded = Buffer.from(pw, 'base64').toString('utf16le');
    expect(decoded.endsWith('Password')).toBe(true);
    expect(decoded).not.toContain(ADMIN_SECRET);
    expect(unattend).not.toContain(ADMIN_SECRET);
    expect(unattend).toContain('<UILanguage>en-US</UILanguage>');

    const post = (body: string) =>
      fetch(`${ts.benchUrl}/t/${token}/winpe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    expect(
      (await post('phase=network&status=done&media=win11-24h2&packs=dell-latitude-5440')).status,
    ).toBe(204);
    expect((await post('phase=download&status=started&total=4700000000&parts=1')).status).toBe(204);
    expect(
      (await post('phase=download&status=progress&part=1&bytes=470000000&before=0')).status,
    ).toBe(204);
    const row = ((await (await ts.api(`/api/v1/machines/${id}`)).json()) as MachineDetail).machine;
    expect(row).toMatchObject({
      state: 'installing-os',
      step: 'Downloading image 0.5 of 4.7 GB',
      driverWarning: null,
    });
  });
});
