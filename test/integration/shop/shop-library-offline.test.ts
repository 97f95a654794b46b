import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { requireOrSkip } from '../../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import { acmeInput } from '../../helpers/fixtures.js';

/**
 * Issue 20, shared profiles while the database is away: station B reaches PostgreSQL
 * through a TCP relay the test can cut. An edit saved on B meanwhile is kept as "not
 * shared yet" and B keeps deploying it; when the link is back it is pushed with its base
 * version: accepted when nobody changed the profile, else shown as a conflict with the
 * diff, B's text kept, until the technician takes the shop's version or saves on top.
 */
const skip = requireOrSkip(postgresUnavailable());

const sha256 = (b: string) => crypto.createHash('sha256').update(b).digest('hex');

async function until<T>(
  what: string,
  f: () => Promise<T | null | undefined | false>,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A loopback TCP relay to PostgreSQL; cut() drops every connection and refuses new ones. */
async function relay(port: number) {
  const open = new Set<net.Socket>();
  let up = true;
  let stalled = false;
  const held: net.Socket[] = [];
  const server = net.createServer((client) => {
    // A pulled cable: the connection opens (or seems to) and nothing ever comes back.
    if (stalled) return void held.push(client);
    if (!up) return void client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
    pairs.push([client, upstream]);
  });
  const pairs: [net.Socket, net.Socket][] = [];
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      up = false;
      for (const s of open) s.destroy();
    },
    stall: () => {
      stalled = true;
      for (const [c, u] of pairs) {
        c.unpipe(u);
        u.unpipe(c);
        c.pause();
        u.pause();
      }
    },
    restore: () => {
      up = true;
      if (stalled) {
        stalled = false;
        for (const s of [...held, ...pairs.flat()]) s.destroy();
        held.length = 0;
        pairs.length = 0;
      }
    },
    close: () => {
      for (const s of [...open, ...held]) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Status {
  connected: boolean;
  keyProblem: string | null;
  profiles: { pending: string[]; conflicts: { id: string; note: string | null }[] };
}

const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe.skipIf(skip)('shop profiles while the database is away', () => {
  let pg: TestPostgres;
  let link: Awaited<ReturnType<typeof relay>>;
  let a: TestStation;
  let b: TestStation;
  const status = async (s: TestStation) =>
    (await (await s.api('/api/v1/shop/library')).json()) as Status;
  const text = async (s: TestStation, id: string) =>
    ((await (await s.api(`/api/v1/profiles/${id}`)).json()) as { text: string }).text;
  const sync = (s: TestStation) => s.api('/api/v1/shop/library/sync', { method: 'POST' });

  beforeAll(async () => {
    pg = await startPostgres();
    link = await relay(pg.port);
    const profilesA = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-lib-off-a-'));
    fs.writeFileSync(path.join(profilesA, 'acme.yaml'), stringify(acmeInput));
    fs.writeFileSync(
      path.join(profilesA, 'acme-lab.yaml'),
      stringify({ ...acmeInput, id: 'acme-lab', name: 'Acme lab PCs' }),
    );
    a = await startTestStation(['--profiles', profilesA, '--database', pg.url]);
    await until('A connected', async () => (await status(a)).connected);
    const viaRelay = pg.url.replace(`:${pg.port}/`, `:${link.port}/`);
    b = await startTestStation(['--database', viaRelay]);
    await until('acme and acme-lab on B', async () => {
      await sync(b);
      return (
        (await b.api('/api/v1/profiles/acme')).status === 200 &&
        (await b.api('/api/v1/profiles/acme-lab')).status === 200
      );
    });
  }, 180_000);

  afterAll(async () => {
    // A test that failed while the link was cut or stalled must not leave the stations
    // waiting on it while they stop.
    link?.restore();
    try {
      await a?.stop();
      await b?.stop();
      await link?.close();
    } finally {
      await pg?.stop();
    }
  }, 120_000);

  it('keeps edits made offline, pushes them with their base, and shows a conflict with the diff', async () => {
    const v1 = await text(b, 'acme');
    const lab1 = await text(b, 'acme-lab');
    link.cut();

    // Offline on B: both saves are kept on B (it deploys them), marked not shared yet.
    const offline = v1.replace('name: Acme office PCs', 'name: Acme office PCs (B, offline)');
    const r = await b.api('/api/v1/profiles/acme', {
      method: 'PUT',
      ...json({ text: offline, baseHash: sha256(v1) }),
    });
    expect(r.status).toBe(200);
    const saved = (await r.json()) as { shop?: { state: string; message: string } };
    expect(saved.shop?.state).toBe('pending');
    expect(saved.shop?.message).toMatch(/not shared with the shop yet/);
    const labOffline = lab1.replace('Acme lab PCs', 'Acme lab PCs (B, offline)');
    expect(
      (
        await b.api('/api/v1/profiles/acme-lab', {
          method: 'PUT',
          ...json({ text: labOffline, baseHash: sha256(lab1) }),
        })
      ).status,
    ).toBe(200);
    expect(await text(b, 'acme')).toBe(offline);
    expect((await status(b)).profiles.pending.sort()).toEqual(['acme', 'acme-lab']);

    // Meanwhile A changes acme (not acme-lab) from the same version.
    const onA = v1.replace('name: Acme office PCs', 'name: Acme office PCs (A)');
    expect(
      (await a.api('/api/v1/profiles/acme', { method: 'PUT', ...json({ text: onA }) })).status,
    ).toBe(200);

    link.restore();
    const back = await until('B back with a conflict on acme', async () => {
      await sync(b);
      const s = await status(b);
      return s.connected && s.profiles.conflicts.length > 0 ? s : null;
    });
    // acme-lab had no rival: shared, and A takes it.
    expect(back.profiles.pending).toEqual([]);
    expect(back.profiles.conflicts.map((c) => c.id)).toEqual(['acme']);
    await until('A to take B’s offline acme-lab', async () => {
      await sync(a);
      return (await text(a, 'acme-lab')) === labOffline;
    });
    // acme: B keeps its text (nothing lost) and the conflict shows the diff.
    expect(await text(b, 'acme')).toBe(offline);
    const conflict = (await (await b.api('/api/v1/shop/profiles/acme/conflict')).json()) as {
      diff: string;
      current: { version: number };
    };
    expect(conflict.diff).toContain('-name: Acme office PCs (A)');
    expect(conflict.diff).toContain('+name: Acme office PCs (B, offline)');
    const kept = (await (await b.api('/api/v1/shop/profiles/acme/refused')).json()) as {
      text: string;
    }[];
    expect(kept.map((k) => k.text)).toContain(offline);
    // The shop's acme is untouched by B's push.
    await sync(a);
    expect(await text(a, 'acme')).toBe(onA);

    // The technician takes the shop's version; the refused text stays listed.
    expect((await b.api('/api/v1/shop/profiles/acme/take-shared', { method: 'POST' })).status).toBe(
      200,
    );
    expect(await text(b, 'acme')).toBe(onA);
    const after = await status(b);
    expect(after.profiles.conflicts).toEqual([]);
    expect(after.profiles.pending).toEqual([]);
  }, 180_000);

  it('does not make the technician wait for a database that stopped answering', async () => {
    const before = await text(b, 'acme');
    link.stall();
    const edited = before.replace(/name: .*/, 'name: Acme office PCs (B, link stalled)');
    const r = await b.api('/api/v1/profiles/acme', {
      method: 'PUT',
      ...json({ text: edited, baseHash: sha256(before) }),
    });
    expect(r.status).toBe(200);
    const saved = (await r.json()) as { shop?: { state: string; message: string } };
    expect(saved.shop?.state).toBe('pending');
    // The station's own limit answered, not pg's 15 s query timeout (said, not timed).
    expect(saved.shop?.message).toMatch(/did not answer within 4 s/);
    expect(await text(b, 'acme')).toBe(edited);
    link.restore();
    await until(
      'the stalled edit shared',
      async () => {
        await sync(b);
        await sync(a);
        return (
          (await status(b)).profiles.pending.length === 0 && (await text(a, 'acme')) === edited
        );
      },
      90_000,
    );
  }, 180_000);
});
