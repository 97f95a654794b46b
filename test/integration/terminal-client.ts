import fs from 'node:fs';
import WebSocket from 'ws';
import type { TerminalInfo, TerminalServerMessage } from '../../main/api/contract.js';
import type { TestStation } from '../helpers/station.js';

/** A terminal tab as a test sees it: output as text, acks like the real panel. */
export class TermClient {
  output = '';
  received = 0;
  exit: Extract<TerminalServerMessage, { type: 'exit' }> | null = null;
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(
    readonly info: TerminalInfo,
    readonly ws: WebSocket,
    ack: boolean,
  ) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.received += data.length;
        // Keep only the tail: a flood test sends megabytes.
        this.output = (this.output + data.toString('utf8')).slice(-64 * 1024);
        if (ack) ws.send(JSON.stringify({ type: 'ack', bytes: data.length }));
      } else {
        const msg = JSON.parse(data.toString('utf8')) as TerminalServerMessage;
        if (msg.type === 'exit') this.exit = msg;
      }
    });
  }

  static async open(
    st: TestStation,
    body: Record<string, unknown> = { kind: 'local' },
    opts: { ack?: boolean } = {},
  ): Promise<TermClient> {
    const res = await st.api('/api/v1/terminals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST /terminals: ${res.status} ${await res.text()}`);
    const info = (await res.json()) as TerminalInfo;
    // Listen before the socket opens: the kept output may come in the same packet as the 101.
    const ws = socketTo(st, info.id);
    const client = new TermClient(info, ws, opts.ack ?? true);
    await opened(ws);
    return client;
  }

  send(data: string): void {
    this.ws.send(JSON.stringify({ type: 'input', data }));
  }

  resize(cols: number, rows: number): void {
    this.ws.send(JSON.stringify({ type: 'resize', cols, rows }));
  }

  /** Waits until the output matches; returns the match. */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = this.output.match(re);
      if (m) return m;
      if (Date.now() > until)
        throw new Error(`no ${re} in output: ${JSON.stringify(this.output.slice(-500))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export function connect(
  st: TestStation,
  id: string,
  headers: Record<string, string> = { authorization: `Bearer ${st.token}` },
): Promise<WebSocket> {
  return opened(socketTo(st, id, headers));
}

function socketTo(
  st: TestStation,
  id: string,
  headers: Record<string, string> = { authorization: `Bearer ${st.token}` },
): WebSocket {
  const url = st.uiUrl.replace(/^http/, 'ws') + `/api/v1/terminals/${id}/socket`;
  return new WebSocket(url, { headers });
}

function opened(ws: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`upgrade refused: ${res.statusCode}`));
    });
    ws.once('error', reject);
  });
}

/** Whether a process exists (a zombie counts as gone: it runs nothing). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live (not zombie) child processes of this process: the in-process station's ptys. */
export function liveChildren(parent = process.pid): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === parent && state !== 'Z') out.push(Number(d));
    } catch {
      // It ended while we looked.
    }
  }
  return out;
}
