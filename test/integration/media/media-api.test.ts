import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationEvent } from '../../../main/api/contract.js';
import { boot } from '../../../main/commands/boot.js';
import type { MediaImportStatus, MediaRecord } from '../../../main/media/types.js';
import { requireOrSkip } from '../../helpers/env.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import {
  buildWindowsMedium,
  windowsMediaToolsMissing,
  type BuiltMedium,
} from '../../helpers/windows-media.js';

const skip = requireOrSkip(...windowsMediaToolsMissing());
let t: TestStation;
let medium: BuiltMedium;
const events: StationEvent[] = [];

beforeAll(async () => {
  if (skip) return;
  medium = buildWindowsMedium();
  t = await startTestStation();
  t.station.ctx.bus.on((e) => events.push(e));
});
afterAll(async () => {
  if (skip) return;
  await t.stop();
  fs.rmSync(medium.work, { recursive: true, force: true });
});

const upload = (query: string, body: Buffer | fs.ReadStream): Promise<Response> =>
  t.api(`/api/v1/media?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: body as unknown as RequestInit['body'],
    // Node's fetch streams a ReadStream body only in half-duplex mode.
    ...({ duplex: 'half' } as object),
  });

const mediaEntries = (): string[] => fs.readdirSync(path.join(t.dataDir, 'files', 'media')).sort();

describe.skipIf(skip)('media API', () => {
  it('takes an ISO upload, imports it with progress events, lists it and serves its files', async () => {
    const iso = fs.readFileSync(medium.iso);
    const res = await upload('fileName=Win11_24H2_German_x64.iso&id=win11-24h2', iso);
    expect(res.status).toBe(202);
    const started = (await res.json()) as MediaImportStatus;
    expect(started).toMatchObject({ source: 'Win11_24H2_German_x64.iso', id: 'win11-24h2' });
    await expect
      .poll(async () => (await t.api('/api/v1/media/win11-24h2')).status, { timeout: 30_000 })
      .toBe(200);
    const list = (await (await t.api('/api/v1/media')).json()) as MediaRecord[];
    expect(list.map((m) => [m.id, m.source, m.uiLanguage])).toEqual([
      ['win11-24h2', 'Win11_24H2_German_x64.iso', 'de-DE'],
    ]);
    // The upload was removed after the import; nothing but the medium is left.
    expect(mediaEntries()).toEqual(['win11-24h2']);
    const progress = events
      .filter((e) => e.type === 'media-import')
      .map((e) => (e as { import: MediaImportStatus }).import);
    expect(progress.every((p) => p.importId === started.importId)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ state: 'done', id: 'win11-24h2' });
    expect(new Set(progress.map((p) => p.phase))).toEqual(
      new Set(['uploading', 'checking', 'copying', 'reading', 'finishing']),
    );
    expect(
      events.some((e) => e.type === 'media' && e.state === 'imported' && e.id === 'win11-24h2'),
    ).toBe(true);
    // WinPE fetches curl.exe from the bench listener like any other file.
    const curl = await fetch(`${t.benchUrl}/files/media/win11-24h2/winpe/curl.exe`);
    expect(curl.status).toBe(200);
    expect(
      Buffer.from(await curl.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('MZ');
  });

  it('the profile API reports a missing edition at its line, and nothing for a profile that fits', async () => {
    const base = (await (await t.api('/api/v1/profiles/windows-11-base')).json()) as {
      mediaIssues: unknown[];
    };
    expect(base.mediaIssues).toEqual([]);
    const text =
      'id: office\nname: Office\nextends: windows-11-base\ntarget:\n  edition: Enterprise\n';
    const res = await t.api('/api/v1/profiles/office', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as {
      mediaIssues: { file: string; line: number; col: number; message: string }[];
    };
    expect(saved.mediaIssues).toEqual([
      expect.objectContaining({
        file: 'office.yaml',
        line: 5,
        col: 12,
        message: expect.stringMatching(/no edition "Enterprise"; it has Professional/),
      }),
    ]);
  });

  it('answers 409 for a second upload under the same id before taking the bytes, and keeps the first', async () => {
    const before = fs.readFileSync(
      path.join(t.dataDir, 'files', 'media', 'win11-24h2', 'media.json'),
    );
    const res = await upload('fileName=again.iso&id=win11-24h2', fs.readFileSync(medium.iso));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /already imported; it was left as it is/,
    );
    expect(
      fs
        .readFileSync(path.join(t.dataDir, 'files', 'media', 'win11-24h2', 'media.json'))
        .equals(before),
    ).toBe(true);
    expect(mediaEntries()).toEqual(['win11-24h2']);
  });

  it('refuses a non-Windows upload with the reason (wait=1) and keeps nothing of it', async () => {
    const res = await upload('fileName=random.iso&id=junk&wait=1', crypto.randomBytes(256 * 1024));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unreadable_iso');
    expect(mediaEntries()).toEqual(['win11-24h2']);
  });

  it('streams a large upload (far past the 2 MiB JSON body limit) from a file stream', async () => {
    // .wim with fast compression: LZMS (solid .esd) of random bytes takes a minute.
    const big = buildWindowsMedium({ padding: 16 * 1024 * 1024 });
    try {
      const size = fs.statSync(big.iso).size;
      expect(size).toBeGreaterThan(30 * 1024 * 1024);
      const res = await upload('fileName=big.iso&id=big&wait=1', fs.createReadStream(big.iso));
      expect(res.status).toBe(201);
      const m = (await res.json()) as MediaRecord;
      expect(m.image.kind).toBe('wim');
      expect(m.bytes).toBeGreaterThan(16 * 1024 * 1024);
      expect((await t.api('/api/v1/media/big', { method: 'DELETE' })).status).toBe(200);
    } finally {
      fs.rmSync(big.work, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses to delete a medium a profile uses (409), deletes an unused one', async () => {
    // The seeded windows-11-base (and the customers extending it) name win11-24h2.
    const used = await t.api('/api/v1/media/win11-24h2', { method: 'DELETE' });
    expect(used.status).toBe(409);
    const body = (await used.json()) as {
      error: { message: string; details: { profiles: string[] } };
    };
    expect(body.error.details.profiles).toEqual(
      expect.arrayContaining(['windows-11-base', 'dental-weber']),
    );
    const res = await upload('fileName=spare.iso&id=spare&wait=1', fs.readFileSync(medium.iso));
    expect(res.status).toBe(201);
    expect((await t.api('/api/v1/media/spare', { method: 'DELETE' })).status).toBe(200);
    expect((await t.api('/api/v1/media/spare')).status).toBe(404);
    expect(mediaEntries()).toEqual(['win11-24h2']);
    expect(
      events.some((e) => e.type === 'media' && e.state === 'deleted' && e.id === 'spare'),
    ).toBe(true);
  });

  it('a medium imported or deleted by the CLI beside the running station becomes a media event', async () => {
    const { media } = await import('../../../main/commands/media.js');
    const quiet = { write: process.stdout.write, err: process.stderr.write };
    process.stdout.write = () => true;
    process.stderr.write = () => true;
    try {
      expect(
        await media(['import', medium.folder, '--id', 'from-shell', '--data-dir', t.dataDir]),
      ).toBe(0);
    } finally {
      process.stdout.write = quiet.write;
      process.stderr.write = quiet.err;
    }
    await expect
      .poll(
        () =>
          events.some((e) => e.type === 'media' && e.state === 'imported' && e.id === 'from-shell'),
        { timeout: 10_000 },
      )
      .toBe(true);
    fs.rmSync(path.join(t.dataDir, 'files', 'media', 'from-shell'), { recursive: true });
    await expect
      .poll(
        () =>
          events.some((e) => e.type === 'media' && e.state === 'deleted' && e.id === 'from-shell'),
        { timeout: 10_000 },
      )
      .toBe(true);
    // Its own imports are said once, not again by the folder scan.
    expect(
      events.filter((e) => e.type === 'media' && e.state === 'imported' && e.id === 'win11-24h2'),
    ).toHaveLength(1);
  });

  it('shows wimboot on the Services page: missing with a 24H2 medium is a failure with the fix', async () => {
    const services = (await (await t.api('/api/v1/services')).json()) as {
      name: string;
      state: string;
      fix: string | null;
    }[];
    const wb = services.find((s) => s.name === 'wimboot');
    expect(wb).toMatchObject({ state: 'failed' });
    expect(wb!.fix).toMatch(/prepstation boot fetch-wimboot/);
  });
});

describe('prepstation boot fetch-wimboot', () => {
  const body = Buffer.from('MZ stand-in\n\nwimboot v2.9.0 -- Windows Imaging Format bootloader\n');
  const sha = crypto.createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let url = '';
  let files = '';
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wimboot`;
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-wimboot-'));
  });
  afterAll(() => {
    server.close();
    fs.rmSync(files, { recursive: true, force: true });
  });

  it('refuses a download whose sha256 is not the pinned one and leaves nothing', async () => {
    expect(await boot(['fetch-wimboot', '--url', url, '--files', files, '--data-dir', files])).toBe(
      1,
    );
    expect(
      fs.existsSync(path.join(files, 'boot')) ? fs.readdirSync(path.join(files, 'boot')) : [],
    ).toEqual([]);
  });

  it('saves it when the sha256 matches, and the station reads its version', async () => {
    expect(
      await boot([
        'fetch-wimboot',
        '--url',
        url,
        '--sha256',
        sha,
        '--files',
        files,
        '--data-dir',
        files,
      ]),
    ).toBe(0);
    expect(fs.readdirSync(path.join(files, 'boot'))).toEqual(['wimboot']);
    const { wimbootStatus } = await import('../../../main/media/wimboot.js');
    expect(wimbootStatus(files, [])).toMatchObject({
      present: true,
      version: '2.9.0',
      problem: null,
    });
  });
});
