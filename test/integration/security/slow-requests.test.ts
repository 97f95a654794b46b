import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../../helpers/station.js';

/** Issue 13 item 8: trickling requests are cut on both listeners; downloads are not. */
let s: TestStation;
beforeAll(async () => {
  s = await startTestStation();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

interface Trickle {
  closed: boolean;
  socket: net.Socket;
  timer: NodeJS.Timeout;
}

/** A POST that promises a 100 kB body and sends one byte every 200 ms. */
function trickle(url: string, p: string, headers: Record<string, string>): Trickle {
  const u = new URL(url);
  const socket = net.connect(Number(u.port), u.hostname);
  const t: Trickle = { closed: false, socket, timer: setInterval(() => undefined, 1000) };
  clearInterval(t.timer);
  socket.on('connect', () => {
    const head = [
      `POST ${p} HTTP/1.1`,
      `Host: ${u.host}`,
      'Content-Type: application/json',
      'Content-Length: 100000',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      '',
      '',
    ].join('\r\n');
    socket.write(head + '{');
    t.timer = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, 200);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    t.closed = true;
    clearInterval(t.timer);
  });
  return t;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return cond();
}

describe('slow requests cannot hold the station', () => {
  it('cuts trickling POST bodies on the bench and the UI listener', async () => {
    const bench = Array.from({ length: 150 }, () =>
      trickle(s.benchUrl, '/agent/v1/reports', { authorization: 'Bearer x' }),
    );
    const ui = Array.from({ length: 50 }, () =>
      trickle(s.uiUrl, '/api/v1/machines', { authorization: `Bearer ${s.token}` }),
    );
    const all = [...bench, ...ui];
    try {
      // The station still answers while they trickle.
      expect((await fetch(`${s.uiUrl}/api/v1/health`)).status).toBe(200);
      expect((await fetch(`${s.benchUrl}/health`)).status).toBe(200);
      const cut = await until(() => all.every((t) => t.closed), 45_000);
      expect(all.filter((t) => !t.closed).length, 'trickles still open').toBe(0);
      expect(cut).toBe(true);
    } finally {
      for (const t of all) {
        clearInterval(t.timer);
        t.socket.destroy();
      }
    }
  }, 90_000);

  it('cuts a connection whose headers never finish', async () => {
    const u = new URL(s.benchUrl);
    const socket = net.connect(Number(u.port), u.hostname);
    let closed = false;
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => !socket.destroyed && socket.write('X-A: b\r\n'), 500);
    try {
      // headersTimeout 10 s, checked by Node every 30 s at most.
      expect(await until(() => closed, 60_000)).toBe(true);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }, 90_000);

  it('never cuts a download, however slowly the client reads', async () => {
    const file = path.join(s.station.ctx.paths.filesDir, 'big.bin');
    fs.writeFileSync(file, Buffer.alloc(8 * 1024 * 1024, 7));
    const res = await fetch(`${s.benchUrl}/files/big.bin`);
    const reader = res.body!.getReader();
    let got = 0;
    const first = await reader.read();
    got += first.value?.length ?? 0;
    // Pause longer than the body checks and deadlines' check interval, then read on.
    await new Promise((r) => setTimeout(r, 5000));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
    }
    expect(got).toBe(8 * 1024 * 1024);
  }, 60_000);
});
