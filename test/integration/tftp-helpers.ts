import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import type { BootLogEvent, StationEvent } from '../../main/api/contract.js';
import { decode, encode, type TftpPacket } from '../../main/net/tftp/packet.js';
import type { TestStation } from '../helpers/station.js';

/** The TFTP port the station bound (tests start it with --tftp-port 0). */
export function tftpPortOf(t: TestStation): number {
  const addr = t.station.ctx.services.get('tftp')?.address ?? '';
  const port = Number(/:(\d+)$/.exec(addr)?.[1]);
  if (!port) throw new Error(`tftp service has no port: ${addr}`);
  return port;
}

/** A file of pseudo-random bytes in <files>/boot; returns its path and sha256. */
export function bootFile(
  t: TestStation,
  name: string,
  size: number,
): { file: string; sha: string } {
  const file = path.join(t.station.ctx.paths.filesDir, 'boot', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const buf = crypto.randomBytes(size);
  fs.writeFileSync(file, buf);
  return { file, sha: sha256(buf) };
}

export function sha256(buf: Buffer): string {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

export function run(
  cmd: string,
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Collects boot events from the station's bus; `wait` resolves when one matches. */
export function bootEvents(t: TestStation): {
  all: BootLogEvent[];
  wait: (pred: (e: BootLogEvent) => boolean, ms?: number) => Promise<BootLogEvent>;
} {
  const all: BootLogEvent[] = [];
  const waiters: { pred: (e: BootLogEvent) => boolean; resolve: (e: BootLogEvent) => void }[] = [];
  t.station.ctx.bus.on((e: StationEvent) => {
    if (e.type !== 'boot') return;
    all.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    all,
    wait: (pred, ms = 10_000) =>
      new Promise((resolve, reject) => {
        const hit = all.find(pred);
        if (hit) return resolve(hit);
        const timer = setTimeout(() => reject(new Error('no matching boot event')), ms);
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      }),
  };
}

/** A hand-driven TFTP client: send any packet, read what comes back, from where. */
export async function rawClient(): Promise<{
  port: number;
  send: (p: TftpPacket | Buffer, toPort: number) => void;
  next: (ms?: number) => Promise<{ p: TftpPacket; from: number } | null>;
  close: () => void;
}> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const queue: { p: TftpPacket; from: number }[] = [];
  let wake: (() => void) | null = null;
  sock.on('message', (msg, rinfo) => {
    queue.push({ p: decode(msg), from: rinfo.port });
    wake?.();
  });
  return {
    port: sock.address().port,
    send: (p, toPort) => sock.send(Buffer.isBuffer(p) ? p : encode(p), toPort, '127.0.0.1'),
    next: async (ms = 3000) => {
      const end = Date.now() + ms;
      while (queue.length === 0) {
        const left = end - Date.now();
        if (left <= 0) return null;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, left);
        });
        wake = null;
      }
      return queue.shift()!;
    },
    close: () => sock.close(),
  };
}
