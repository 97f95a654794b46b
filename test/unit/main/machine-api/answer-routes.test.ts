import { Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationContext } from '../../../../main/context.js';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { EventBus } from '../../../../main/events/bus.js';
import { redactPaths, maskUrl } from '../../../../main/log/logger.js';
import { machineApiDeps, machineApiRoutes } from '../../../../main/machine-api/index.js';
import {
  createMachines,
  type Machines,
  type MachinesContext,
} from '../../../../main/machines/part.js';
import { ClientDirectory } from '../../../../main/net/clients.js';
import { bootRoutes } from '../../../../main/net/http/boot-routes.js';
import { acme } from '../../../helpers/fixtures.js';

/**
 * Answer files hold secrets: only the current token, only from the address the machine
 * booted from (or one DHCP tied to its MAC), only while it deploys; every fetch logged
 * without the token. Driven through fastify's inject, which can pose as any address.
 */
let db: Db;
let dir: string;
let app: FastifyInstance;
let machines: Machines;
let ctx: StationContext;
let logText: string;
const SECRET = 'S3cret-admin-pw';

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'answer-routes-'));
  db = openDatabase(':memory:');
  logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logText += chunk.toString();
      cb();
    },
  });
  const logger = pino(
    {
      level: 'debug',
      redact: { paths: redactPaths, censor: '***' },
      serializers: { req: (r: { url?: string }) => ({ url: maskUrl(r.url ?? '') }) },
    },
    sink,
  );
  const base = {
    options: { stallMinutes: 20 },
    paths: { dataDir: dir, profilesDir: dir },
    db,
    logger,
    bus: new EventBus(),
    now: () => new Date(),
    benchUrl: 'http://10.0.0.1:8080',
    clients: new ClientDirectory(),
  } as unknown as MachinesContext;
  machines = createMachines(base, {
    profiles: () => ({ get: (id) => (id === 'acme' ? { profile: acme, version: 'v1' } : null) }),
    installScript:
      () =>
      ({ machineUrl }) =>
        `kernel ${machineUrl}/vmlinuz`,
    answerFile:
      () =>
      ({ view, file }) =>
        file === 'user-data'
          ? { contentType: 'text/plain', body: `#cloud-config for ${view.id} password ${SECRET}` }
          : null,
  });
  app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
  }) as unknown as FastifyInstance;
  const lifecycle = machines.lifecycle;
  ctx = {
    ...base,
    boot: machines.boot,
    machineSighted: (s) => lifecycle.benchSighting(s),
  } satisfies Partial<StationContext> as unknown as StationContext;
  bootRoutes(app, ctx);
  for (const r of machineApiRoutes(machineApiDeps(machines, {}))) await r(app, ctx);
  await app.ready();
});

afterEach(async () => {
  await app.close();
  ctx.bus.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function bootAs(mac: string, ip: string): { id: string; token: string } {
  const d = machines.boot.resolve({ mac, ip, platform: 'efi' });
  if (d.kind !== 'install') throw new Error(`expected install, got ${d.kind}`);
  return { id: d.machineId, token: /\/t\/([A-Za-z0-9_-]+)/.exec(d.script)![1]! };
}

const get = (token: string, file: string, ip: string) =>
  app.inject({ method: 'GET', url: `/t/${token}/${file}`, remoteAddress: ip });

describe('answer file routes', () => {
  it('serves the file only to the address the machine booted from, and logs the fetch', async () => {
    const m = machines.lifecycle.machineSighted({ mac: '52:54:00:00:08:01', via: 'dhcp' });
    machines.lifecycle.assign(m.id, 'acme', 'hand');
    // Before it boots its installer, nothing is served.
    const early = machines.tokens.tokenFor(m.id, 1);
    expect((await get(early, 'user-data', '10.0.0.5')).statusCode).toBe(409);

    const { token } = bootAs('52:54:00:00:08:01', '10.0.0.5');
    expect(token).toBe(early);
    const ok = await get(token, 'user-data', '10.0.0.5');
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain(SECRET);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(machines.lifecycle.get(m.id)!.state).toBe('installing-os');

    const stranger = await get(token, 'user-data', '10.0.0.66');
    expect(stranger.statusCode).toBe(403);
    expect(stranger.json()).toMatchObject({ ok: false, error: { code: 'wrong_address' } });

    // The installer's own DHCP lease: a new address, but DHCP tied it to this MAC.
    ctx.clients.learn('10.0.0.77', '52:54:00:00:08:01');
    expect((await get(token, 'user-data', '10.0.0.77')).statusCode).toBe(200);

    expect((await get(token, 'no-such-file', '10.0.0.5')).statusCode).toBe(404);
    expect((await get('forged-token', 'user-data', '10.0.0.5')).statusCode).toBe(401);

    const log = machines.lifecycle.allEntriesOf(m.id).filter((e) => e.data.kind === 'answer-file');
    expect(log.map((e) => e.data)).toEqual([
      expect.objectContaining({ file: 'user-data', ip: '10.0.0.5' }),
      expect.objectContaining({ file: 'user-data', ip: '10.0.0.77' }),
    ]);
    // Neither the token nor the secret ever reaches the log file or the event log.
    const everything = logText + JSON.stringify(machines.lifecycle.allEntriesOf(m.id));
    expect(everything).toContain('answer file served');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(SECRET);
  });

  it("never serves machine A's file with machine B's token, or after a reset", async () => {
    for (const mac of ['52:54:00:00:08:0a', '52:54:00:00:08:0b']) {
      const v = machines.lifecycle.machineSighted({ mac, via: 'dhcp' });
      machines.lifecycle.assign(v.id, 'acme', 'hand');
    }
    const a = bootAs('52:54:00:00:08:0a', '10.0.0.10');
    const b = bootAs('52:54:00:00:08:0b', '10.0.0.11');
    // B's token from A's address: B's file is bound to B's address.
    expect((await get(b.token, 'user-data', '10.0.0.10')).statusCode).toBe(403);
    const own = await get(b.token, 'user-data', '10.0.0.11');
    expect(own.body).toContain(b.id);
    expect(own.body).not.toContain(a.id);

    machines.lifecycle.reset(a.id);
    const old = await get(a.token, 'user-data', '10.0.0.10');
    expect(old.statusCode).toBe(410);
    const fresh = bootAs('52:54:00:00:08:0a', '10.0.0.10');
    expect(fresh.token).not.toBe(a.token);
    expect((await get(fresh.token, 'user-data', '10.0.0.10')).statusCode).toBe(200);
  });

  it('a ?mac= claim from another address binds nothing (issue 13 item 4)', async () => {
    const victim = '52:54:00:00:08:21';
    const v = machines.lifecycle.machineSighted({ mac: victim, via: 'dhcp' });
    machines.lifecycle.assign(v.id, 'acme', 'hand');
    const { token } = bootAs(victim, '10.0.0.21');

    // Another device asks for the victim's boot script with its MAC.
    const claim = await app.inject({
      method: 'GET',
      url: `/boot/ipxe?mac=${victim}&platform=efi`,
      remoteAddress: '10.0.0.66',
    });
    expect(claim.statusCode).toBe(200);
    expect(claim.body).not.toContain(token);
    expect(claim.body).toContain('reset it in the PrepStation dashboard');
    expect(ctx.clients.macFor('10.0.0.66')).toBeNull();
    expect(machines.lifecycle.get(v.id)!.bootIp).toBe('10.0.0.21');
    // ...and so it gets no answer file with the token it learned some other way.
    expect((await get(token, 'user-data', '10.0.0.66')).statusCode).toBe(403);
    expect((await get(token, 'user-data', '10.0.0.21')).statusCode).toBe(200);

    // An agent's word does not bind an address for answer files either: only DHCP does.
    ctx.clients.learn('10.0.0.67', victim, Date.now(), 'agent');
    expect((await get(token, 'user-data', '10.0.0.67')).statusCode).toBe(403);
    ctx.clients.learn('10.0.0.68', victim);
    expect((await get(token, 'user-data', '10.0.0.68')).statusCode).toBe(200);
  });

  it('DHCP decides between a claim and the address: a new lease may move the boot', async () => {
    const a = '52:54:00:00:08:31';
    const other = '52:54:00:00:08:32';
    for (const mac of [a, other]) {
      const v = machines.lifecycle.machineSighted({ mac, via: 'dhcp' });
      machines.lifecycle.assign(v.id, 'acme', 'hand');
    }
    // DHCP leased 10.0.0.40 to `other`: a request from there claiming `a` is refused.
    ctx.clients.learn('10.0.0.40', other);
    const d = machines.boot.resolve({ mac: a, ip: '10.0.0.40', platform: 'efi' });
    expect(d.kind).toBe('wait');
    const first = bootAs(a, '10.0.0.41');
    // The same PC rebooted with a new lease DHCP saw: its installer may start from there.
    ctx.clients.learn('10.0.0.42', a);
    const again = bootAs(a, '10.0.0.42');
    expect(again.token).toBe(first.token);
    expect(machines.lifecycle.get(again.id)!.bootIp).toBe('10.0.0.42');
  });

  it('answer files expire once the agent has spoken (issue 13 item 9)', async () => {
    const v = machines.lifecycle.machineSighted({ mac: '52:54:00:00:08:41', via: 'dhcp' });
    machines.lifecycle.assign(v.id, 'acme', 'hand');
    const { token } = bootAs('52:54:00:00:08:41', '10.0.0.45');
    expect((await get(token, 'user-data', '10.0.0.45')).statusCode).toBe(200);
    // The agent's first word: the machine is provisioning.
    machines.lifecycle.agentSpoke(machines.lifecycle.mustGet(v.id), '10.0.0.45');
    const late = await get(token, 'user-data', '10.0.0.45');
    expect(late.statusCode).toBe(409);
    expect(late.body).not.toContain(SECRET);
  });
});
