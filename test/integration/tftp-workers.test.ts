import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TftpServer as TftpServerType, TransferRecord } from '../../main/net/tftp/server.js';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { rawClient, run, sha256 } from './tftp-helpers.js';

/**
 * The TFTP server as the station runs it: transfers on worker threads. Workers run the
 * compiled JS, so this imports dist/ (`npm test` builds before it tests).
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const compiled = path.join(repo, 'dist/main/net/tftp/server.js');
const skip = requireOrSkip(
  fs.existsSync(compiled) ? null : 'dist/ is not built (npm run build:main)',
  commandUnavailable('atftp', 'atftp'),
  commandUnavailable('tftp', 'tftp-hpa'),
);

describe.skipIf(skip)(
  `TFTP transfers on worker threads${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let server: TftpServerType;
    let port: number;
    let root: string;
    let out: string;
    const records: TransferRecord[] = [];
    const lines: string[] = [];
    const files: Record<string, string> = {};

    beforeAll(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-tftpw-'));
      out = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-tftpw-out-'));
      for (const [name, size] of [
        ['a.bin', 3_000_017],
        ['b.bin', 512 * 70_000 + 5],
      ] as const) {
        const buf = crypto.randomBytes(size);
        fs.writeFileSync(path.join(root, name), buf);
        files[name] = sha256(buf);
      }
      const { TftpServer } = (await import(compiled)) as { TftpServer: typeof TftpServerType };
      const logger = pino({ level: 'debug' }, {
        write: (s: string) => void lines.push(s),
      } as unknown as pino.DestinationStream);
      server = new TftpServer({
        root,
        host: '127.0.0.1',
        port: 0,
        logger,
        workers: 2,
        onRecord: (r) => records.push(r),
      });
      port = await server.start();
    });
    afterAll(async () => {
      await server?.stop();
      for (const d of [root, out]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    const waitFor = async (pred: (r: TransferRecord) => boolean): Promise<TransferRecord> => {
      for (let i = 0; i < 200; i++) {
        const hit = records.find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no such record in ${JSON.stringify(records)}`);
    };

    it('runs on workers, and many clients at once get every byte', async () => {
      expect(server.usesWorkers).toBe(true);
      const jobs = Array.from({ length: 8 }, (_, i) => {
        const name = i % 2 ? 'a.bin' : 'b.bin';
        const dest = path.join(out, `c${i}`);
        const args =
          i % 4 === 3
            ? ['-m', 'binary', '127.0.0.1', String(port), '-c', 'get', name, dest]
            : ['-g', '-r', name, '-l', dest, '--option', 'blksize 1468']
                .concat(i % 4 === 1 ? ['--option', 'windowsize 16'] : [])
                .concat(['127.0.0.1', String(port)]);
        return run(i % 4 === 3 ? 'tftp' : 'atftp', args, 120_000).then((r) => ({ r, name, dest }));
      });
      for (const { r, name, dest } of await Promise.all(jobs)) {
        expect(r.code, r.stderr).toBe(0);
        expect(sha256(fs.readFileSync(dest))).toBe(files[name]);
      }
      // Records and log lines come back from the workers to this thread.
      await waitFor(() => records.filter((r) => r.result === 'ok').length >= 8);
      expect(records.filter((r) => r.result === 'ok' && r.bytes === r.size)).toHaveLength(8);
      expect(lines.some((l) => l.includes('tftp: a.bin to 127.0.0.1: ok'))).toBe(true);
    });

    it('a missing file is refused from a worker, with a record', async () => {
      const r = await run('atftp', [
        '-g',
        '-r',
        'nope.bin',
        '-l',
        path.join(out, 'x'),
        '127.0.0.1',
        String(port),
      ]);
      expect(r.code).not.toBe(0);
      const rec = await waitFor((x) => x.file === 'nope.bin');
      expect(rec.result).toBe('not-found');
    });

    it('an aborted size probe and the request that follows at once, from one port, are two transfers', async () => {
      const c = await rawClient();
      c.send(
        { op: 'rrq', filename: 'a.bin', mode: 'octet', options: { tsize: '0', blksize: '1468' } },
        port,
      );
      const oack = await c.next();
      expect(oack?.p).toEqual({ op: 'oack', options: { blksize: '1468', tsize: '3000017' } });
      c.send({ op: 'error', code: 8, message: 'User aborted the transfer' }, oack!.from);
      c.send({ op: 'rrq', filename: 'a.bin', mode: 'octet', options: {} }, port);
      const first = await c.next();
      expect(first?.p).toMatchObject({ op: 'data', block: 1 });
      expect(first?.from).not.toBe(oack!.from);
      c.send({ op: 'error', code: 0, message: 'enough' }, first!.from);
      c.close();
      await waitFor((r) => r.result === 'aborted' && r.port === c.port && r.bytes === 0);
    });

    it('stops cleanly with a transfer running, and says so in its record', async () => {
      const c = await rawClient();
      c.send({ op: 'rrq', filename: 'b.bin', mode: 'octet', options: {} }, port);
      expect((await c.next())?.p).toMatchObject({ op: 'data', block: 1 });
      await server.stop();
      await waitFor((r) => r.port === c.port && r.error === 'station stopping');
      c.close();
    });
  },
);
