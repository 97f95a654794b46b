import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BootResolver } from '../../main/boot/types.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { bootEvents } from './tftp-helpers.js';

/** Raw request: fetch() would normalize ../ away before the server sees it. */
function raw(
  base: string,
  method: string,
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: p, headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('bench HTTP: /files and /boot/ipxe', () => {
  let t: TestStation;
  let data: Buffer;
  let bigData: Buffer;
  let events: ReturnType<typeof bootEvents>;
  const big = 5 * 1024 ** 3 + 123; // past 4 GiB: offsets must not be 32-bit anywhere

  beforeAll(async () => {
    t = await startTestStation();
    events = bootEvents(t);
    const files = t.station.ctx.paths.filesDir;
    fs.mkdirSync(path.join(files, 'media'), { recursive: true });
    data = crypto.randomBytes(300_000);
    fs.writeFileSync(path.join(files, 'media', 'boot.wim'), data);
    // Sparse: 5 GiB on paper, a few bytes on disk; the tail is known bytes.
    const fd = fs.openSync(path.join(files, 'media', 'huge.iso'), 'w');
    fs.ftruncateSync(fd, big);
    fs.writeSync(fd, Buffer.from('THE-END'), 0, 7, big - 7);
    fs.closeSync(fd);
    fs.writeFileSync(path.join(t.dataDir, 'outside.txt'), 'secret');
    fs.symlinkSync(path.join(t.dataDir, 'outside.txt'), path.join(files, 'media', 'link-out'));
    fs.writeFileSync(path.join(files, 'empty.bin'), '');
    bigData = crypto.randomBytes(20 * 1024 * 1024 + 17);
    fs.writeFileSync(path.join(files, 'media', 'install.wim'), bigData);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('GET serves the whole file with its length and Accept-Ranges', async () => {
    const r = await raw(t.benchUrl, 'GET', '/files/media/boot.wim');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(data.length));
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.body.equals(data)).toBe(true);
  });

  it('HEAD gives the length and no body', async () => {
    const r = await raw(t.benchUrl, 'HEAD', '/files/media/boot.wim');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(data.length));
    expect(r.body.length).toBe(0);
  });

  it('an empty file is 200 with length 0', async () => {
    const r = await raw(t.benchUrl, 'GET', '/files/empty.bin');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe('0');
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=299990-', 299_990, 299_999],
    ['bytes=-10', 299_990, 299_999],
  ])('Range %s is 206 with Content-Range', async (range, start, end) => {
    const r = await raw(t.benchUrl, 'GET', '/files/media/boot.wim', { range });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes ${start}-${end}/${data.length}`);
    expect(r.headers['content-length']).toBe(String(end - start + 1));
    expect(r.body.equals(data.subarray(start, end + 1))).toBe(true);
  });

  it('an unsatisfiable Range is 416 with the size', async () => {
    const r = await raw(t.benchUrl, 'GET', '/files/media/boot.wim', { range: 'bytes=400000-' });
    expect(r.status).toBe(416);
    expect(r.headers['content-range']).toBe(`bytes */${data.length}`);
  });

  it('If-Range with a stale ETag gets the whole file', async () => {
    const r = await raw(t.benchUrl, 'GET', '/files/media/boot.wim', {
      range: 'bytes=0-9',
      'if-range': '"stale"',
    });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(data.length);
  });

  it('a file over 4 GiB: HEAD length and a Range read at its end', async () => {
    const head = await raw(t.benchUrl, 'HEAD', '/files/media/huge.iso');
    expect(head.headers['content-length']).toBe(String(big));
    const tail = await raw(t.benchUrl, 'GET', '/files/media/huge.iso', {
      range: `bytes=${big - 7}-`,
    });
    expect(tail.status).toBe(206);
    expect(tail.body.toString()).toBe('THE-END');
    expect(tail.headers['content-range']).toBe(`bytes ${big - 7}-${big - 1}/${big}`);
  });

  it.each([
    ['/files/../prepstation.db', [403, 404]],
    ['/files/media/../../outside.txt', [403]],
    ['/files/%2e%2e/outside.txt', [403]],
    ['/files/media%2f..%2f..%2foutside.txt', [403]],
    ['/files/media/link-out', [403]],
    ['/files/media\\..\\..\\outside.txt', [403]],
    ['/files/%00', [403]],
    ['/files/nope.bin', [404]],
  ])('refuses %s', async (p, statuses) => {
    const r = await raw(t.benchUrl, 'GET', p);
    expect(statuses).toContain(r.status);
    expect(r.body.toString()).not.toContain('secret');
  });

  describe('big files (sendfile on Linux, a stream elsewhere)', () => {
    const kernel = process.platform === 'linux';

    it('GET sends every byte, and the event says how', async () => {
      const r = await raw(t.benchUrl, 'GET', '/files/media/install.wim?mac=52:54:00:aa:bb:20');
      expect(r.status).toBe(200);
      expect(r.headers['content-length']).toBe(String(bigData.length));
      expect(r.body.equals(bigData)).toBe(true);
      const e = await events.wait(
        (x) => x.protocol === 'http' && x.mac === '52:54:00:aa:bb:20' && x.data?.status === 200,
      );
      expect(e.data).toMatchObject({ bytes: bigData.length });
      expect(e.data?.sendfile === true).toBe(kernel);
    });

    it('a Range across several sendfile calls, and one past 4 GiB', async () => {
      const from = 1234567;
      const to = from + 9 * 1024 * 1024;
      const r = await raw(t.benchUrl, 'GET', '/files/media/install.wim', {
        range: `bytes=${from}-${to}`,
      });
      expect(r.status).toBe(206);
      expect(r.body.equals(bigData.subarray(from, to + 1))).toBe(true);
      // 2 MiB ending at the last byte of the 5 GiB sparse file: 64-bit offsets in C.
      const tail = await raw(t.benchUrl, 'GET', '/files/media/huge.iso', {
        range: `bytes=-${2 * 1024 * 1024}`,
      });
      expect(tail.status).toBe(206);
      expect(tail.body.length).toBe(2 * 1024 * 1024);
      expect(tail.body.subarray(-7).toString()).toBe('THE-END');
      expect(tail.body.subarray(0, 1000).every((b) => b === 0)).toBe(true);
    });

    it('a client that reads slowly (a full socket) still gets every byte, on a kept-alive connection', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const u = new URL(t.benchUrl);
      const get = (p: string, pauseMs: number) =>
        new Promise<{ body: Buffer; socket: unknown }>((resolve, reject) => {
          const req = http.get({ host: u.hostname, port: u.port, path: p, agent }, (res) => {
            const parts: Buffer[] = [];
            res.pause();
            setTimeout(() => res.resume(), pauseMs);
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve({ body: Buffer.concat(parts), socket: req.socket }));
          });
          req.on('error', reject);
        });
      const a = await get('/files/media/install.wim', 300);
      const b = await get('/files/media/boot.wim', 0);
      agent.destroy();
      expect(a.body.equals(bigData)).toBe(true);
      expect(b.body.equals(data)).toBe(true);
      // The same connection served both: the first response ended exactly at its length.
      expect(b.socket).toBe(a.socket);
    });

    it('a client that hangs up halfway is logged with the bytes it got, and the next one is served', async () => {
      const u = new URL(t.benchUrl);
      await new Promise<void>((resolve, reject) => {
        const req = http.get(
          {
            host: u.hostname,
            port: u.port,
            path: '/files/media/install.wim?mac=52:54:00:aa:bb:21',
          },
          (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      });
      const e = await events.wait((x) => x.protocol === 'http' && x.mac === '52:54:00:aa:bb:21');
      expect(e.data?.status).toBe(200);
      expect(e.data?.bytes as number).toBeLessThan(bigData.length);
      const r = await raw(t.benchUrl, 'GET', '/files/media/install.wim');
      expect(r.body.equals(bigData)).toBe(true);
    });
  });

  it('publishes one boot event per request, with the MAC from ?mac= and no token', async () => {
    await raw(t.benchUrl, 'GET', '/files/media/boot.wim?mac=52-54-00-AA-BB-01&token=s3cr3t');
    const e = await events.wait(
      (x) => x.protocol === 'http' && x.mac === '52:54:00:aa:bb:01' && x.data?.status === 200,
    );
    expect(e.data).toMatchObject({ status: 200, bytes: data.length });
    expect(JSON.stringify(e)).not.toContain('s3cr3t');
  });

  it('GET /boot/ipxe without a MAC is the first-hop chain script', async () => {
    const r = await raw(t.benchUrl, 'GET', '/boot/ipxe');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/plain/);
    const s = r.body.toString();
    expect(s.startsWith('#!ipxe\n')).toBe(true);
    expect(s).toContain(`chain ${t.station.ctx.benchUrl}/boot/ipxe?mac=\${netX/mac}`);
  });

  it('GET /boot/ipxe?mac= renders the resolver’s decision and never learns the claimed MAC', async () => {
    const r = await raw(
      t.benchUrl,
      'GET',
      '/boot/ipxe?mac=52:54:00:aa:bb:02&platform=efi&serial=S1',
    );
    const s = r.body.toString();
    expect(s).toContain('sleep ');
    expect(s).toContain('chain --replace');
    expect(s).toContain('mac=52%3A54%3A00%3Aaa%3Abb%3A02');
    // A ?mac= is a claim: only DHCP binds an address to a MAC (issue 13 item 4).
    expect(t.station.ctx.clients.macFor('127.0.0.1')).toBeNull();
    const e = await events.wait((x) => x.protocol === 'http' && /iPXE script/.test(x.summary));
    expect(e.mac).toBe('52:54:00:aa:bb:02');
  });

  it('local and install decisions render for the platform', async () => {
    // The test stands in for the machines part's resolver (readonly to the station's parts).
    const ctx = t.station.ctx as { boot: BootResolver };
    const prev = ctx.boot;
    try {
      ctx.boot = { resolve: () => ({ kind: 'local' }) };
      const bios = await raw(t.benchUrl, 'GET', '/boot/ipxe?mac=52:54:00:aa:bb:03&platform=pcbios');
      expect(bios.body.toString()).toContain('sanboot --no-describe --drive 0x80');
      const efi = await raw(t.benchUrl, 'GET', '/boot/ipxe?mac=52:54:00:aa:bb:03&platform=efi');
      expect(efi.body.toString()).toMatch(/\nexit\n$/);
      ctx.boot = {
        resolve: () => ({ kind: 'install', machineId: 'm', script: 'kernel k\nboot' }),
      };
      const inst = await raw(t.benchUrl, 'GET', '/boot/ipxe?mac=52:54:00:aa:bb:03');
      expect(inst.body.toString()).toMatch(/kernel k\nboot\n$/);
    } finally {
      ctx.boot = prev;
    }
  });

  it('a bad MAC gets a script that explains, not an install', async () => {
    const r = await raw(t.benchUrl, 'GET', '/boot/ipxe?mac=');
    expect(r.body.toString()).toContain('did not send a usable MAC');
  });
});
