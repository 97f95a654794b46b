import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BootDecision, BootRequest, BootResolver } from '../../main/boot/types.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { bootEvents, rawClient, tftpPortOf } from './tftp-helpers.js';

/**
 * The signed chain's TFTP names on a real station over loopback (no QEMU): GRUB's
 * `/grub/grub.cfg`, the per-MAC config rendered from ctx.boot, `files/...` for kernels, and
 * Windows Boot Manager's backslash paths. The firmware test (test/pxe/secure-boot.test.ts)
 * boots the same names on OVMF with Secure Boot.
 */
describe('TFTP: files the signed chain asks for', () => {
  let t: TestStation;
  let port: number;
  let events: ReturnType<typeof bootEvents>;
  const asked: BootRequest[] = [];
  let next: BootDecision = { kind: 'wait', reason: 'unassigned', message: 'Assign me.' };

  beforeAll(async () => {
    t = await startTestStation();
    port = tftpPortOf(t);
    events = bootEvents(t);
    const files = t.station.ctx.paths.filesDir;
    fs.mkdirSync(path.join(files, 'lab'), { recursive: true });
    fs.writeFileSync(path.join(files, 'lab', 'k.bin'), Buffer.alloc(3000, 7));
    // The test stands in for the machines part's resolver (readonly to the station's parts).
    (t.station.ctx as { boot: BootResolver }).boot = {
      resolve: (req) => {
        asked.push(req);
        return next;
      },
    };
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Reads a whole file in 512-byte lock-step, as GRUB and shim do without options. */
  async function get(name: string): Promise<{ data: Buffer } | { error: number }> {
    const c = await rawClient();
    try {
      c.send({ op: 'rrq', filename: name, mode: 'octet', options: {} }, port);
      const parts: Buffer[] = [];
      for (;;) {
        const m = await c.next();
        if (!m) throw new Error(`no answer for ${name}`);
        if (m.p.op === 'error') return { error: m.p.code };
        if (m.p.op !== 'data') throw new Error(`unexpected ${m.p.op}`);
        parts.push(m.p.data);
        c.send({ op: 'ack', block: m.p.block }, m.from);
        if (m.p.data.length < 512) return { data: Buffer.concat(parts) };
      }
    } finally {
      // Let the last ACK leave before the socket goes (dgram sends asynchronously).
      await new Promise((r) => setTimeout(r, 50));
      c.close();
    }
  }
  const text = async (name: string) => {
    const r = await get(name);
    if (!('data' in r)) throw new Error(`${name}: TFTP error ${r.error}`);
    return r.data.toString();
  };

  it('serves grub.cfg with a leading slash: a loop over the per-MAC file', async () => {
    expect(await text('/grub/grub.cfg')).toMatch(/source \/grub\/mac\/\$\{net_default_mac\}\.cfg/);
  });

  it('renders the per-MAC config from the boot decision, per request', async () => {
    next = { kind: 'wait', reason: 'unassigned', message: 'Assign me.' };
    expect(await text('/grub/mac/52:54:00:aa:bb:cc.cfg')).toMatch(/echo 'Assign me\.'/);
    expect(asked.at(-1)).toMatchObject({
      mac: '52:54:00:aa:bb:cc',
      ip: '127.0.0.1',
      platform: 'efi',
      chain: 'shim-grub',
    });
    next = {
      kind: 'install',
      machineId: 'm1',
      script: `kernel ${t.station.ctx.benchUrl}/files/lab/k.bin quiet\nboot`,
    };
    expect(await text('/grub/mac/52:54:00:aa:bb:cc.cfg')).toMatch(
      /^linux \/files\/lab\/k\.bin 'quiet'$/m,
    );
    const e = await events.wait((x) => x.summary === 'GRUB config (signed chain): install (m1)');
    expect(e).toMatchObject({ protocol: 'tftp', mac: '52:54:00:aa:bb:cc' });
    // The address is now tied to the MAC: the kernel's transfer is logged for that machine.
    expect(t.station.ctx.clients.macFor('127.0.0.1')).toBe('52:54:00:aa:bb:cc');
  });

  it('serves <files> as files/ (the signed GRUB has no HTTP), whole, and Windows-style paths', async () => {
    const r = await get('/files/lab/k.bin');
    expect('data' in r && r.data.equals(Buffer.alloc(3000, 7))).toBe(true);
    const w = await get('\\files\\lab\\k.bin');
    expect('data' in w && w.data.length).toBe(3000);
    const ok = await events.wait(
      (x) => x.data?.file === '/files/lab/k.bin' && x.data?.result === 'ok',
    );
    expect(ok.mac).toBe('52:54:00:aa:bb:cc');
  });

  it('refuses what is not there or outside <files>', async () => {
    expect(await get('/files/lab/none.bin')).toEqual({ error: 1 });
    expect(await get('/files/../data.db')).toEqual({ error: 2 });
    expect(await get('/grub/mac/not-a-mac.cfg')).toEqual({ error: 1 });
  });

  it('says on the Services page whether Secure Boot PCs can boot, and notices the fetched files', async () => {
    const status = () => t.station.ctx.services.get('secure-boot');
    expect(status()).toMatchObject({ state: 'disabled' });
    expect(status()?.error).toMatch(/shimx64\.efi and grubx64\.efi missing/);
    expect(status()?.fix).toMatch(/fetch-signed-boot\.mjs --files/);
    const boot = path.join(t.station.ctx.paths.filesDir, 'boot');
    fs.mkdirSync(boot, { recursive: true });
    fs.writeFileSync(path.join(boot, 'shimx64.efi'), 'x');
    fs.writeFileSync(path.join(boot, 'grubx64.efi'), 'x');
    const end = Date.now() + 15_000;
    while (status()?.state !== 'running' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status()).toMatchObject({ state: 'running', error: null });
  }, 20_000);
});

describe('secure-boot service under --secure-boot signed', () => {
  it('is failed while the signed files are missing (every UEFI PC would get them)', async () => {
    const t = await startTestStation(['--secure-boot', 'signed']);
    try {
      expect(t.station.ctx.services.get('secure-boot')).toMatchObject({ state: 'failed' });
    } finally {
      await t.stop();
    }
  });
});
