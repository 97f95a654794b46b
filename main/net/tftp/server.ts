import fs from 'node:fs';
import type { Logger } from '../../log/logger.js';
import { defaultLimits, negotiate, type NegotiationLimits } from './negotiate.js';
import { decode, encode, ErrorCode, type TftpPacket } from './packet.js';
import { checkName, resolveUnder } from './paths.js';
import {
  Session,
  Spinner,
  type ReadSource,
  type SessionHost,
  type TransferRecord,
} from './session.js';
import { ReadTransfer } from './transfer.js';
import { openUdp, type OpenUdp, type UdpSocket } from './udp.js';
import { WorkerPool } from './workers.js';

export type { TransferRecord } from './session.js';

/** A file made per request: bytes, or a real file the provider chose (checked by it). */
export type RenderedFile = { data: Buffer } | { path: string } | null;

/**
 * Files the station makes per request instead of reading them from the root (the signed
 * chain's per-machine GRUB configs). `claims` is cheap and synchronous; a claimed request
 * is served on the listening thread, because only it can reach the station's state.
 */
export interface RenderedFiles {
  /** `name` has no leading slash (see servedName). */
  claims(name: string): boolean;
  /** null: not found. */
  render(name: string, client: { address: string; port: number }): Promise<RenderedFile>;
}

/**
 * GRUB asks for `/grub/grub.cfg`: a leading slash means the TFTP root, as dnsmasq and
 * tftpd-hpa (-s) read it. Windows Boot Manager asks with backslashes (`\Boot\BCD`, the
 * ramdisk paths of its BCD): they are separators, as tftpd64 and WDS read them. The checks
 * on the result (`..`, escapes) are the same either way. The boot log keeps the name asked.
 */
export function servedName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '');
}

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
  rendered?: RenderedFiles;
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
      if (this.pool && !this.isRendered(msg)) this.pool.dispatch(msg, from);
      else this.handle(msg, from);
    });
    return this.main.port();
  }

  /** A read request for a rendered file: kept on this thread (see RenderedFiles). */
  private isRendered(msg: Buffer): boolean {
    if (!this.opts.rendered) return false;
    try {
      const p = decode(msg);
      return p.op === 'rrq' && this.opts.rendered.claims(servedName(p.filename));
    } catch {
      return false;
    }
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
    const name = servedName(p.filename);
    // Rendered names pass the same checks as files on disk (resolveUnder makes them too).
    const check = checkName(name);
    if (!check.ok) {
      this.refuse(from, p.filename, 'refused', ErrorCode.accessViolation, check.reason);
      return;
    }
    if (this.opts.rendered?.claims(name)) {
      await this.startRendered(p, from, key, name, started);
      return;
    }
    const resolved = await resolveUnder(this.opts.root, name);
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
    await this.serve(p, from, key, fh, size, started);
  }

  private async startRendered(
    p: Extract<TftpPacket, { op: 'rrq' | 'wrq' }>,
    from: { address: string; port: number },
    key: string,
    name: string,
    started: number,
  ): Promise<void> {
    let file: RenderedFile;
    try {
      file = await this.opts.rendered!.render(name, from);
    } catch (err) {
      this.refuse(from, p.filename, 'refused', ErrorCode.notDefined, (err as Error).message);
      return;
    }
    if (!file) {
      this.refuse(from, p.filename, 'not-found', ErrorCode.fileNotFound, 'no such file');
      return;
    }
    if ('data' in file) {
      await this.serve(p, from, key, memoryFile(file.data), file.data.length, started);
      return;
    }
    try {
      const fh = await fs.promises.open(file.path, 'r');
      await this.serve(p, from, key, fh, (await fh.stat()).size, started);
    } catch (err) {
      this.refuse(from, p.filename, 'not-found', ErrorCode.fileNotFound, (err as Error).message);
    }
  }

  private async serve(
    p: Extract<TftpPacket, { op: 'rrq' | 'wrq' }>,
    from: { address: string; port: number },
    key: string,
    fh: ReadSource,
    size: number,
    started: number,
  ): Promise<void> {
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

/** Bytes in memory behind the two calls a Session makes on a file handle. */
function memoryFile(data: Buffer): ReadSource {
  return {
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, data.length - position));
      data.copy(buf, offset, position, position + n);
      return Promise.resolve({ bytesRead: n });
    },
    close: () => Promise.resolve(),
  };
}
