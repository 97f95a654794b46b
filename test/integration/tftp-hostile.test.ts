import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { bootEvents, bootFile, rawClient, tftpPortOf } from './tftp-helpers.js';

/**
 * Clients that misbehave, driven packet by packet on loopback: lost packets, duplicate
 * ACKs, a stranger port, hostile names. The server must carry on through all of them.
 */
describe('TFTP against misbehaving clients', () => {
  let t: TestStation;
  let port: number;
  let events: ReturnType<typeof bootEvents>;
  let data: Buffer;

  beforeAll(async () => {
    t = await startTestStation();
    port = tftpPortOf(t);
    events = bootEvents(t);
    bootFile(t, 'f.bin', 512 * 5 + 100);
    // Two whole read chunks of the server (256 blocks of 1024 each) and a bit: windows of 40
    // blocks straddle chunk boundaries, and the file ends inside a third chunk (513 blocks).
    // (Windows of small blocks: a bigger burst would overflow the test client's socket.)
    bootFile(t, 'chunks.bin', 2 * 256 * 1024 + 300);
    data = fs.readFileSync(path.join(t.station.ctx.paths.filesDir, 'boot', 'f.bin'));
    fs.writeFileSync(path.join(t.dataDir, 'secret.txt'), 'secret');
    fs.symlinkSync(
      path.join(t.dataDir, 'secret.txt'),
      path.join(t.station.ctx.paths.filesDir, 'boot', 'escape'),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('duplicate ACKs get no extra data (no Sorcerer’s Apprentice)', async () => {
    const c = await rawClient();
    c.send({ op: 'rrq', filename: 'f.bin', mode: 'octet', options: {} }, port);
    const first = await c.next();
    expect(first?.p).toMatchObject({ op: 'data', block: 1 });
    const tid = first!.from;
    c.send({ op: 'ack', block: 1 }, tid);
    expect((await c.next())?.p).toMatchObject({ op: 'data', block: 2 });
    // The same ACK three more times: nothing may come back for them.
    for (let i = 0; i < 3; i++) c.send({ op: 'ack', block: 1 }, tid);
    expect(await c.next(400)).toBeNull();
    c.send({ op: 'ack', block: 2 }, tid);
    expect((await c.next())?.p).toMatchObject({ op: 'data', block: 3 });
    c.close();
  });

  it('a lossy client that drops packets still gets the whole file, by timeouts', async () => {
    const c = await rawClient();
    // timeout 1 s (RFC 2349) so that the test waits for real retransmissions
    c.send({ op: 'rrq', filename: 'f.bin', mode: 'octet', options: { timeout: '1' } }, port);
    const oack = await c.next();
    expect(oack?.p).toEqual({ op: 'oack', options: { timeout: '1' } });
    const tid = oack!.from;
    // "Lose" the OACK: say nothing; the server must resend it.
    const again = await c.next(2500);
    expect(again?.p).toEqual({ op: 'oack', options: { timeout: '1' } });
    c.send({ op: 'ack', block: 0 }, tid);
    const got: Buffer[] = [];
    let dropped = 0;
    for (;;) {
      const m = await c.next(3000);
      if (!m) throw new Error('server stopped sending');
      if (m.p.op !== 'data') throw new Error(`unexpected ${m.p.op}`);
      // Drop the first copy of every second block: pretend it never arrived.
      if (m.p.block % 2 === 0 && got.length < m.p.block && dropped < m.p.block / 2) {
        dropped++;
        continue;
      }
      if (m.p.block === got.length + 1) got.push(m.p.data);
      c.send({ op: 'ack', block: m.p.block }, tid);
      if (m.p.data.length < 512) break;
    }
    expect(dropped).toBeGreaterThan(0);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    c.close();
  }, 30_000);

  it('a stranger port gets ERROR 5 and the transfer goes on', async () => {
    const c = await rawClient();
    const stranger = await rawClient();
    c.send({ op: 'rrq', filename: 'f.bin', mode: 'octet', options: {} }, port);
    const first = await c.next();
    const tid = first!.from;
    stranger.send({ op: 'ack', block: 1 }, tid);
    expect((await stranger.next())?.p).toMatchObject({ op: 'error', code: 5 });
    // The stranger's ACK moved nothing: the real client still gets block 2 after its ACK.
    expect(await c.next(300)).toBeNull();
    c.send({ op: 'ack', block: 1 }, tid);
    expect((await c.next())?.p).toMatchObject({ op: 'data', block: 2 });
    c.close();
    stranger.close();
  });

  it.each([
    ['../etc/passwd', 2],
    // A leading slash means the TFTP root (GRUB asks for /grub/grub.cfg): not found there.
    ['/etc/passwd', 1],
    ['boot\\..\\..\\secret.txt', 2],
    ['escape', 2],
    ['a'.repeat(300), 2],
    // A NUL cannot be inside a name on the wire (it ends the field); control characters can.
    ['f.bin\n../x', 2],
    ['f\u0001.bin', 2],
    ['nope/../../f.bin', 2],
    ['missing.bin', 1],
  ])('refuses %j with ERROR %d and logs it', async (name, code) => {
    const c = await rawClient();
    c.send({ op: 'rrq', filename: name, mode: 'octet', options: {} }, port);
    const m = await c.next();
    expect(m?.p).toMatchObject({ op: 'error', code });
    c.close();
    await events.wait((e) => e.protocol === 'tftp' && e.data?.file === name);
  });

  it('refuses a write request (read-only server) and garbage, and keeps serving', async () => {
    const c = await rawClient();
    c.send({ op: 'wrq', filename: 'x', mode: 'octet', options: {} }, port);
    expect((await c.next())?.p).toMatchObject({ op: 'error', code: 4 });
    c.send(Buffer.from([0, 9, 1, 2, 3]), port);
    c.send(Buffer.from([0]), port);
    c.send({ op: 'rrq', filename: 'f.bin', mode: 'octet', options: {} }, port);
    expect((await c.next())?.p).toMatchObject({ op: 'data', block: 1 });
    c.close();
    expect(t.station.ctx.services.get('tftp')?.state).toBe('running');
  });

  it('handles the OVMF size probe: OACK with tsize, ERROR 8 from the client, then a real download', async () => {
    const c = await rawClient();
    c.send(
      { op: 'rrq', filename: 'f.bin', mode: 'octet', options: { tsize: '0', blksize: '1468' } },
      port,
    );
    const oack = await c.next();
    expect(oack?.p).toEqual({
      op: 'oack',
      options: { blksize: '1468', tsize: String(data.length) },
    });
    c.send({ op: 'error', code: 8, message: 'User aborted the transfer' }, oack!.from);
    // ...and asks again at once from the same port: a new transfer, not a duplicate.
    c.send({ op: 'rrq', filename: 'f.bin', mode: 'octet', options: {} }, port);
    const e = await events.wait((x) => x.protocol === 'tftp' && x.data?.result === 'aborted');
    expect(e.data?.file).toBe('f.bin');
    const first = await c.next();
    expect(first?.p).toMatchObject({ op: 'data', block: 1 });
    expect(first?.from).not.toBe(oack!.from);
    c.close();
  });

  it('serves many transfers at once', async () => {
    const clients = await Promise.all(Array.from({ length: 30 }, () => rawClient()));
    const results = await Promise.all(
      clients.map(async (c) => {
        c.send({ op: 'rrq', filename: 'f.bin', mode: 'octet', options: { blksize: '1024' } }, port);
        const oack = await c.next();
        const tid = oack!.from;
        c.send({ op: 'ack', block: 0 }, tid);
        const parts: Buffer[] = [];
        for (;;) {
          const m = await c.next();
          if (!m || m.p.op !== 'data') throw new Error('transfer broke');
          parts.push(m.p.data);
          c.send({ op: 'ack', block: m.p.block }, tid);
          if (m.p.data.length < 1024) break;
        }
        c.close();
        return Buffer.concat(parts);
      }),
    );
    for (const r of results) expect(r.equals(data)).toBe(true);
  });
  it('windows that straddle read chunks, rewound by a mid-window ACK (RFC 7440), arrive whole', async () => {
    const want = fs.readFileSync(path.join(t.station.ctx.paths.filesDir, 'boot', 'chunks.bin'));
    const c = await rawClient();
    c.send(
      {
        op: 'rrq',
        filename: 'chunks.bin',
        mode: 'octet',
        options: { blksize: '1024', windowsize: '40' },
      },
      port,
    );
    const oack = await c.next();
    expect(oack?.p).toEqual({ op: 'oack', options: { blksize: '1024', windowsize: '40' } });
    const tid = oack!.from;
    c.send({ op: 'ack', block: 0 }, tid);
    const blocks = new Map<number, Buffer>();
    let acked = 0;
    let rewound = false;
    for (;;) {
      // Read one window (or what is left of the file).
      const expected = Math.min(40, 513 - acked);
      const got: number[] = [];
      for (let i = 0; i < expected; i++) {
        const m = await c.next();
        if (!m || m.p.op !== 'data') throw new Error(`window after ${acked} broke`);
        blocks.set(m.p.block, m.p.data);
        got.push(m.p.block);
      }
      expect(got[0]).toBe(acked + 1);
      const last = got[got.length - 1]!;
      if (!rewound && last === 280) {
        // Say only blocks up to 250 arrived: the server must resend 251-290, from the end
        // of the first chunk and the start of the second.
        rewound = true;
        acked = 250;
        c.send({ op: 'ack', block: 250 }, tid);
        continue;
      }
      acked = last;
      c.send({ op: 'ack', block: last }, tid);
      if (blocks.get(last)!.length < 1024) break;
    }
    expect(rewound).toBe(true);
    const file = Buffer.concat([...blocks.keys()].sort((a, b) => a - b).map((k) => blocks.get(k)!));
    expect(file.equals(want)).toBe(true);
    expect(await c.next(300)).toBeNull();
    c.close();
  });
  it.runIf(process.platform === 'linux')(
    'the UDP descriptor and the segmentation addon are there for windows (else packet by packet)',
    async () => {
      const { openUdp } = await import('../../main/net/tftp/udp.js');
      const { gsoAddon, sendSegments } = await import('../../main/net/tftp/gso.js');
      const s = await openUdp('127.0.0.1', 0);
      const c = await rawClient();
      try {
        const fd = s.fd?.() ?? null;
        expect(fd).toBeGreaterThan(2);
        const native = gsoAddon();
        expect(native).not.toBeNull();
        // Three DATA packets of 4 + 8 bytes and a short last one, in one send.
        const packets = [1, 2, 3, 4].map((n) =>
          Buffer.concat([Buffer.from([0, 3, 0, n]), Buffer.alloc(n === 4 ? 3 : 8, n)]),
        );
        expect(sendSegments(native!, fd!, Buffer.concat(packets), 12, '127.0.0.1', c.port)).toBe(
          'sent',
        );
        for (const n of [1, 2, 3, 4]) {
          const m = await c.next();
          expect(m?.p).toEqual({ op: 'data', block: n, data: Buffer.alloc(n === 4 ? 3 : 8, n) });
        }
      } finally {
        s.close();
        c.close();
      }
    },
  );
});
