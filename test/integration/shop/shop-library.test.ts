import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { requireOrSkip } from '../../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import type { DriverLibrary } from '../../../main/drivers/library.js';
import type { MediaLibrary } from '../../../main/media/library.js';
import { acmeInput } from '../../helpers/fixtures.js';

/**
 * Issue 20, shared libraries: two real stations on loopback, one throw-away PostgreSQL.
 * A profile edited on both from one version: the second save is refused with the diff and
 * kept. An app imported on A reaches B by one verified fetch from A, and a machine on B
 * downloads it from B. A corrupted transfer is refused and nothing of it is stored.
 */
const skip = requireOrSkip(postgresUnavailable());

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

async function until<T>(
  what: string,
  f: () => Promise<T | null | undefined | false>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface LibStatus {
  enabled: boolean;
  connected: boolean;
  keyProblem: string | null;
  lastError: string | null;
  fetches: {
    received: number;
    refused: number;
    served: number;
    denied: number;
    lastRefusal: string | null;
  };
}

const status = async (s: TestStation) =>
  (await (await s.api('/api/v1/shop/library')).json()) as LibStatus;

const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe.skipIf(skip)('shop libraries: two stations, one PostgreSQL', () => {
  let pg: TestPostgres;
  let a: TestStation;
  let b: TestStation;
  let cache: http.Server;
  /** sha256 values the "cache" in front of A answers with one byte flipped. */
  const corrupt = new Map<string, Buffer>();
  const cacheHits: string[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    // An HTTP origin B tries first (--library-origin): it has nothing (404) except the
    // files the test plants there, damaged, to play a cache or a link that mangles bytes.
    cache = http.createServer((req, res) => {
      const sha = (req.url ?? '').split('/').pop() ?? '';
      cacheHits.push(sha);
      const bad = corrupt.get(sha);
      if (!bad) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': bad.length }).end(bad);
    });
    await new Promise<void>((r) => cache.listen(0, '127.0.0.1', r));
    const cacheUrl = `http://127.0.0.1:${(cache.address() as AddressInfo).port}/blobs`;

    const profilesA = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-lib-profiles-a-'));
    fs.writeFileSync(path.join(profilesA, 'acme.yaml'), stringify(acmeInput));
    a = await startTestStation([
      '--profiles',
      profilesA,
      '--database',
      pg.url,
      '--station-name',
      'bench-a',
    ]);
    await until('A in step with the shop', async () => {
      const s = await status(a);
      return s.connected && !s.keyProblem;
    });
    // The shop's admin password, set on A only: B must get it through the shop.
    expect(
      (
        await a.api('/api/v1/secrets/admin-password', {
          method: 'PUT',
          ...json({ value: 'Adm1n-pw' }),
        })
      ).status,
    ).toBe(200);

    b = await startTestStation([
      '--database',
      pg.url,
      '--station-name',
      'bench-b',
      '--library-origin',
      cacheUrl,
    ]);
    // B has no shop key yet: it says so and what to do, and shares profiles meanwhile.
    const told = await until('B to ask for the shop key', async () => (await status(b)).keyProblem);
    expect(told).toContain('shop.key');
    // ... on the Services page too, with what to do.
    const row = await until('the Services row', async () => {
      const services = (await (await b.api('/api/v1/services')).json()) as {
        name: string;
        state: string;
        fix: string | null;
      }[];
      return services.find((x) => x.name === 'shop-library' && x.state === 'failed');
    });
    expect(row.fix).toContain('shop.key');
    fs.copyFileSync(path.join(a.dataDir, 'shop.key'), path.join(b.dataDir, 'shop.key'));
    await until('B in step with the shop key', async () => {
      const s = await status(b);
      return s.connected && !s.keyProblem && !s.lastError;
    });
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await new Promise((r) => cache?.close(r));
    await pg?.stop();
  });

  it('refuses the second of two edits from one version, with the diff, and keeps its text', async () => {
    const acmeOnB = await until('acme on B', async () => {
      const r = await b.api('/api/v1/profiles/acme');
      return r.status === 200 ? ((await r.json()) as { text: string }) : null;
    });
    const v1 = acmeOnB.text;
    const base = sha256(v1);
    const onA = v1.replace('name: Acme office PCs', 'name: Acme office PCs (edited on A)');
    const onB = v1.replace('name: Acme office PCs', 'name: Acme office PCs (edited on B)');
    expect(onA).not.toBe(v1);

    const savedA = await a.api('/api/v1/profiles/acme', {
      method: 'PUT',
      ...json({ text: onA, baseHash: base }),
    });
    expect(savedA.status).toBe(200);
    expect(((await savedA.json()) as { shop?: { state: string } }).shop?.state).toBe('shared');

    const savedB = await b.api('/api/v1/profiles/acme', {
      method: 'PUT',
      ...json({ text: onB, baseHash: base }),
    });
    expect(savedB.status).toBe(409);
    const refusal = (await savedB.json()) as {
      error: {
        code: string;
        message: string;
        details: { diff: string; refusedId: number; current: { version: number } };
      };
    };
    expect(refusal.error.code).toBe('profile_conflict');
    expect(refusal.error.message).toMatch(/kept on this station/);
    // The diff goes from the shop's current version to the refused text.
    expect(refusal.error.details.diff).toContain('-name: Acme office PCs (edited on A)');
    expect(refusal.error.details.diff).toContain('+name: Acme office PCs (edited on B)');
    // Never lost: the refused text is kept on B.
    const kept = (await (await b.api('/api/v1/shop/profiles/acme/refused')).json()) as {
      id: number;
      text: string;
    }[];
    expect(kept.map((k) => k.text)).toContain(onB);
    // B's profile becomes A's version (what the shop holds), not the refused one.
    await until('B to take A’s version', async () => {
      const r = (await (await b.api('/api/v1/profiles/acme')).json()) as { text: string };
      return r.text === onA;
    });
    // An edit based on the current version is accepted.
    const onB2 = onA.replace('(edited on A)', '(edited on A, then B)');
    const again = await b.api('/api/v1/profiles/acme', {
      method: 'PUT',
      ...json({ text: onB2, baseHash: sha256(onA) }),
    });
    expect(again.status).toBe(200);
    await until('A to take B’s new version', async () => {
      const r = (await (await a.api('/api/v1/profiles/acme')).json()) as { text: string };
      return r.text === onB2;
    });
  }, 120_000);

  it('has B install an app imported on A after one verified fetch from A', async () => {
    const installer = crypto.randomBytes(300_000);
    const imported = await a.api(
      '/api/v1/apps?name=Remote%20tool&version=1.0&fileName=tool.sh&id=tool',
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: installer,
      },
    );
    expect(imported.status).toBe(201);
    const servedBefore = (await status(a)).fetches.served;
    const onB = await until('the app on B', async () => {
      const r = await b.api('/api/v1/apps/tool');
      return r.status === 200 ? ((await r.json()) as { sha256: string; size: number }) : null;
    });
    expect(onB.sha256).toBe(sha256(installer));
    expect(onB.size).toBe(installer.length);
    expect((await status(a)).fetches.served - servedBefore).toBe(1);
    expect((await status(b)).fetches.received).toBeGreaterThanOrEqual(1);

    // The secret came through the shop too (sealed with the shop key, never in the clear).
    const secrets = (await (await b.api('/api/v1/secrets')).json()) as {
      secrets: { name: string }[];
    };
    expect(secrets.secrets.map((s) => s.name)).toContain('admin-password');

    // A machine on B: assigned, booted, its plan names B's own copy of the installer.
    const mac = '52:54:00:20:00:01';
    const added = await b.api('/api/v1/machines', {
      method: 'POST',
      ...json({ mac, profile: 'acme' }),
    });
    expect(added.status).toBe(201);
    const script = await (await fetch(`${b.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)![1]!;
    // The answer file renders on B with the shared secret (hashed, never the clear text).
    const userData = await (await fetch(`${b.benchUrl}/t/${token}/user-data`)).text();
    expect(userData).toMatch(/^#cloud-config/);
    expect(userData).not.toContain('Adm1n-pw');
    const plan = (await (
      await fetch(`${b.benchUrl}/agent/v1/plan`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      value: { steps: { id: string; download: { url: string; sha256: string } | null }[] };
    };
    const step = plan.value.steps.find((s) => s.id === 'app-tool')!;
    expect(step.download!.url.startsWith(b.benchUrl)).toBe(true);
    expect(step.download!.sha256).toBe(sha256(installer));
    const got = Buffer.from(await (await fetch(step.download!.url)).arrayBuffer());
    expect(sha256(got)).toBe(sha256(installer));
    // B served its machine itself: A was asked once, for B's own copy.
    expect((await status(a)).fetches.served - servedBefore).toBe(1);
  }, 120_000);

  it('refuses a corrupted transfer and stores nothing of it', async () => {
    const good = crypto.randomBytes(200_000);
    const bad = Buffer.from(good);
    bad[1234] = bad[1234]! ^ 0xff;
    corrupt.set(sha256(good), bad);
    const refusedBefore = (await status(b)).fetches.refused;
    const servedBefore = (await status(a)).fetches.served;
    const imported = await a.api(
      '/api/v1/apps?name=Viewer&version=2.0&fileName=viewer.sh&id=viewer',
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: good,
      },
    );
    expect(imported.status).toBe(201);
    const onB = await until('the app on B', async () => {
      const r = await b.api('/api/v1/apps/viewer');
      return r.status === 200 ? ((await r.json()) as { sha256: string; path: string }) : null;
    });
    // The damaged copy from the cache was refused; the good one came from A.
    const s = await status(b);
    expect(s.fetches.refused - refusedBefore).toBe(1);
    expect(s.fetches.lastRefusal).toContain(`the shop says ${sha256(good)}`);
    expect(cacheHits).toContain(sha256(good));
    expect(onB.sha256).toBe(sha256(good));
    const stored = fs.readFileSync(path.join(b.dataDir, 'files', ...onB.path.split('/')));
    expect(sha256(stored)).toBe(sha256(good));
    expect((await status(a)).fetches.served - servedBefore).toBe(1);
    // Nothing half-written is left behind.
    const incoming = path.join(b.dataDir, 'files', 'apps', '.incoming');
    expect(fs.existsSync(incoming) ? fs.readdirSync(incoming) : []).toEqual([]);
  }, 120_000);

  it('shares a driver pack and a medium file by file, manifests written last', async () => {
    // A driver pack imported on A from a folder, as `prepstation drivers import` does.
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-lib-drivers-'));
    fs.mkdirSync(path.join(src, 'net'));
    fs.writeFileSync(path.join(src, 'net', 'e1d.inf'), '[Version]\nSignature="$Windows NT$"\n');
    fs.writeFileSync(path.join(src, 'net', 'e1d.sys'), crypto.randomBytes(50_000));
    const drivers = a.station.ctx.drivers as unknown as DriverLibrary;
    const { pack } = await drivers.import({
      source: src,
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: true,
    });
    // A medium as the media importer leaves it: its files, then media.json.
    const mediumDir = path.join(a.dataDir, 'files', 'media', 'win11-test');
    fs.mkdirSync(path.join(mediumDir, 'sources'), { recursive: true });
    const bootWim = crypto.randomBytes(120_000);
    fs.writeFileSync(path.join(mediumDir, 'sources', 'boot.wim'), bootWim);
    fs.writeFileSync(path.join(mediumDir, 'sources', 'install.wim'), crypto.randomBytes(80_000));
    const record = {
      id: 'win11-test',
      label: 'Windows 11 test',
      importedAt: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(mediumDir, 'media.json'), JSON.stringify(record));

    expect((await a.api('/api/v1/shop/library/sync', { method: 'POST' })).status).toBe(200);
    await until('the pack and the medium on B', async () => {
      await b.api('/api/v1/shop/library/sync', { method: 'POST' });
      return b.station.ctx.drivers?.get(pack.id) && b.station.ctx.media?.get('win11-test');
    });
    const bDrivers = b.station.ctx.drivers!;
    expect(bDrivers.get(pack.id)!.sha256).toBe(pack.sha256);
    expect(bDrivers.files(pack.id)).toEqual(drivers.files(pack.id));
    const bMedium = path.join(b.dataDir, 'files', 'media', 'win11-test');
    expect(sha256(fs.readFileSync(path.join(bMedium, 'sources', 'boot.wim')))).toBe(
      sha256(bootWim),
    );
    expect(b.station.ctx.media!.get('win11-test')!.label).toBe('Windows 11 test');
    // No staging folder left on B.
    const left = fs
      .readdirSync(path.join(b.dataDir, 'files', 'media'))
      .filter((n) => n.startsWith('.'));
    expect(left).toEqual([]);

    // Deleted on B (to free its disk): not fetched again while the shop has that version.
    const bMedia = b.station.ctx.media as unknown as MediaLibrary;
    expect(bMedia.remove('win11-test')).toBe(true);
    const received = (await status(b)).fetches.received;
    await b.api('/api/v1/shop/library/sync', { method: 'POST' });
    await b.api('/api/v1/shop/library/sync', { method: 'POST' });
    expect(bMedia.get('win11-test')).toBeNull();
    expect((await status(b)).fetches.received).toBe(received);
  }, 120_000);

  it('serves library files only to holders of the shop key', async () => {
    const apps = (await (await a.api('/api/v1/apps')).json()) as { sha256: string }[];
    const sha = apps[0]!.sha256;
    const plain = await fetch(`${a.benchUrl}/shop/v1/blobs/${sha}`);
    expect(plain.status).toBe(403);
    const forged = await fetch(`${a.benchUrl}/shop/v1/blobs/${sha}`, {
      headers: {
        authorization: `Bearer shop1.intruder.${Math.floor(Date.now() / 1000) + 60}.${'0'.repeat(64)}`,
      },
    });
    expect(forged.status).toBe(403);
    expect((await status(a)).fetches.denied).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
