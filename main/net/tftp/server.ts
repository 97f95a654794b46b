import fs from 'node:fs';
import type { Logger } from '../../log/logger.js';
import { defaultLimits, negotiate, type NegotiationLimits } from './negotiate.js';
import { decode, encode, ErrorCode, type TftpPacket } from './packet.js';
import { resolveUnder } from './paths.js';
import { Session, Spinner, type SessionHost, type TransferRecord } from './session.js';
import { ReadTransfer } from './transfer.js';
import { openUdp, type OpenUdp, type UdpSocket } from './udp.js';
import { WorkerPool } from './workers.js';

export type { TransferRecord } from './session.js';

/** How long a repeated request waits to see whether its transfer ended (see handle). */
const duplicateGraceMs = 20;

export interface TftpServerOptions {
  root: string;
  host: string;
  port: number;
  logger: Logger;
  onRecord?: (r: TransferRecord) => void;
  clock?: () => number;
  limits?: NegotiationLimits;
  maxRetries?: number;
  /** Requests beyond this many running transfers are refused (error 0), not queued. */
  maxTransfers?: number;
  openSocket?: OpenUdp;
  /**
   * Worker threads that run the transfers, each client port always on the same one
   * (0: everything on this thread). Needs the compiled JS; where workers cannot start
   * (running from TypeScript sources), transfers run on this thread.
   */
  workers?: number;
}

/**
 * Read-only TFTP server (RFC 1350, 2347, 2348, 2349, 7440). The well-known port only
 * receives requests; each transfer gets its own socket (its TID, RFC 1350 §4), its own
 * file handle and one timer. Nothing a client sends can stop the server.
 *
 * With `workers`, the thread that owns the well-known port only hands each request to a
 * worker thread running its own TftpServer (attach(), no listener), as tftpd-hpa forks a
 * process per transfer: many transfers use every core, and none waits on the UI thread.
 */
export class TftpServer implements SessionHost {
  private main: UdpSocket | null = null;
  private listening = false;
  private readonly sessions = new Map<string, Session>();
  private readonly clock: () => number;
  private readonly spinner = new Spinner(
    () => this.sessions.size,
    () => this.listening,
  );
  private pool: WorkerPool | null = null;

  constructor(private readonly opts: TftpServerOptions) {
    this.clock = opts.clock ?? Date.now;
  }

  /** Binds the request socket; rejects with the bind error (the only fatal failure). */
  async start(): Promise<number> {
    const open = this.opts.openSocket ?? openUdp;
    this.main = await open(this.opts.host, this.opts.port);
    this.listening = true;
    if ((this.opts.workers ?? 0) > 0) {
      this.pool = await WorkerPool.start(this.opts.workers!, this.opts, (msg, from) =>
        this.handle(msg, from),
      );
    }
    this.main.onMessage((msg, from) => {
      if (this.pool) this.pool.dispatch(msg, from);
      else this.handle(msg, from);
    });
    return this.main.port();
  }

  /** In a worker: serve the requests the listening thread hands over (see handle). */
  attach(): void {
    this.listening = true;
  }

  /** Whether transfers run on worker threads (false: on this thread). */
  get usesWorkers(): boolean {
    return this.pool !== null;
  }

  async stop(): Promise<void> {
    this.main?.close();
    this.main = null;
    this.listening = false;
    await this.pool?.stop();
    this.pool = null;
    await Promise.all(
      [...this.sessions.values()].map((s) => s.finish('error', 'station stopping')),
    );
  }

  /** One datagram that came to the well-known port. */
  handle(msg: Buffer, from: { address: string; port: number }): void {
    let p: TftpPacket;
    try {
      p = decode(msg);
    } catch (err) {
      this.opts.logger.warn(
        { client: from.address, port: from.port, err: (err as Error).message },
        'tftp: malformed request ignored',
      );
      return;
    }
    if (p.op !== 'rrq') {
      const message =
        p.op === 'wrq' ? 'this server is read-only' : `expected a read request, got ${p.op}`;
      this.reply(from, ErrorCode.illegalOperation, message);
      this.opts.logger.warn({ client: from.address, op: p.op }, `tftp: ${message}`);
      return;
    }
    const key = `${from.address}:${from.port}`;
    const existing = this.sessions.get(key);
    if (existing) {
      if (existing.file === p.filename) {
        // Either a client resending its request before our first answer arrived (the
        // running transfer retransmits on its own timer), or OVMF's size probe: ERROR 8 to
        // the transfer's port, then at once the same request here. That ERROR may still be
        // unread on the transfer's socket (on a worker it always races the hand-over), so
        // look again once it has had time to be read.
        setTimeout(() => {
          if (this.listening && !this.sessions.has(key)) this.begin(p, from, key);
        }, duplicateGraceMs).unref();
        return;
      }
      // A new file from the same port means the client gave up on the old one.
      void existing.finish('aborted', 'client asked for another file');
    }
    this.begin(p, from, key);
  }

  private begin(
    p: Extract<TftpPacket, { op: 'rrq' | 'wrq' }>,
    from: { address: string; port: number },
    key: string,
  ): void {
    void this.startTransfer(p, from, key).catch((err: unknown) => {
      this.opts.logger.error({ err, client: from.address }, 'tftp: transfer failed to start');
    });
  }

  /**
   * Answers a request with an error from a fresh port, like a transfer would (RFC 1350 §4:
   * the server's reply comes from its new TID); some clients (curl) mishandle an error
   * from port 69 itself.
   */
  private reply(to: { address: string; port: number }, code: number, message: string): void {
    const packet = encode({ op: 'error', code, message });
    (this.opts.openSocket ?? openUdp)(this.opts.host, 0).then(
      (s) => {
        s.send([packet], to.port, to.address);
        setTimeout(() => s.close(), 200).unref();
      },
      () => this.main?.send([packet], to.port, to.address), // no fresh port: answer from 69
    );
  }

  private refuse(
    to: { address: string; port: number },
    file: string,
    result: 'refused' | 'not-found',
    code: number,
    reason: string,
  ): void {
    this.reply(to, code, result === 'not-found' ? 'file not found' : 'access violation');
    this.opts.logger.warn(
      { client: to.address, port: to.port, file: JSON.stringify(file), reason },
      `tftp: request refused: ${reason}`,
    );
    this.opts.onRecord?.({
      client: to.address,
      port: to.port,
      file,
      bytes: 0,
      size: null,
      durationMs: 0,
      result,
      error: reason,
    });
  }

  private async startTransfer(
    p: Extract<TftpPacket, { op: 'rrq' | 'wrq' }>,
    from: { address: string; port: number },
    key: string,
  ): Promise<void> {
    const started = this.clock();
    // netascii is served as is: boot files are binary and firmware asks for octet anyway.
    if (p.mode !== 'octet' && p.mode !== 'netascii') {
      this.refuse(from, p.filename, 'refused', ErrorCode.illegalOperation, `mode ${p.mode}`);
      return;
    }
    if (this.sessions.size >= (this.opts.maxTransfers ?? 1000)) {
      this.refuse(from, p.filename, 'refused', ErrorCode.notDefined, 'too many transfers');
      return;
    }
    const resolved = await resolveUnder(this.opts.root, p.filename);
    if (!resolved.ok) {
      if (resolved.notFound) {
        this.refuse(from, p.filename, 'not-found', ErrorCode.fileNotFound, resolved.reason);
      } else {
        this.refuse(from, p.filename, 'refused', ErrorCode.accessViolation, resolved.reason);
      }
      return;
    }
    let fh: fs.promises.FileHandle;
    let size: number;
    try {
      fh = await fs.promises.open(resolved.file, 'r');
      size = (await fh.stat()).size;
    } catch (err) {
      this.refuse(from, p.filename, 'not-found', ErrorCode.fileNotFound, (err as Error).message);
      return;
    }
    let sock: UdpSocket;
    try {
      sock = await (this.opts.openSocket ?? openUdp)(this.opts.host, 0);
    } catch (err) {
      await fh.close();
      this.refuse(from, p.filename, 'refused', ErrorCode.notDefined, (err as Error).message);
      return;
    }
    if (!this.listening) {
      sock.close();
      await fh.close();
      return;
    }
    const params = negotiate(p.options, size, this.opts.limits ?? defaultLimits);
    const transfer = new ReadTransfer(size, params, this.opts.maxRetries);
    const session = new Session(this, key, p.filename, from, fh, sock, transfer, started);
    this.sessions.set(key, session);
    session.begin();
  }

  /** @internal used by Session */
  ended(s: Session, record: TransferRecord): void {
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    const level = record.result === 'ok' || record.result === 'aborted' ? 'info' : 'warn';
    this.opts.logger[level](
      { ...record, file: JSON.stringify(record.file) },
      `tftp: ${record.file} to ${record.client}: ${record.result}`,
    );
    this.opts.onRecord?.(record);
  }

  /** @internal A session sent a window and its client answers fast: poll a little. */
  expectSoon(): void {
    this.spinner.expectSoon();
  }

  /** @internal */
  now(): number {
    return this.clock();
  }

  /** @internal */
  get log(): Logger {
    return this.opts.logger;
  }
}
