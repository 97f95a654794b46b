import { performance } from 'node:perf_hooks';
import type { Logger } from '../../log/logger.js';
import { dataHeader, decode, encode, ErrorCode, type TftpPacket } from './packet.js';
import type { ReadTransfer, TransferAction, TransferResult } from './transfer.js';
import type { UdpSocket } from './udp.js';
import { gsoAddon, gsoMaxBytes, gsoMaxSegments, sendSegments } from './gso.js';
import { assertNever } from '../../util/assert-never.js';

/** One finished (or refused) request, for the boot log and the machine timeline. */
export interface TransferRecord {
  client: string;
  port: number;
  file: string;
  bytes: number;
  size: number | null;
  durationMs: number;
  result: TransferResult | 'refused' | 'not-found';
  error?: string;
  blksize?: number;
  windowsize?: number;
}

/** What a session reads from: an open file, or bytes the station rendered (server.ts). */
export interface ReadSource {
  read(
    buf: Buffer,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** What a session needs from whoever runs it: the server, in this thread or in a worker. */
export interface SessionHost {
  now(): number;
  readonly log: Logger;
  /** A window went out to a fast client: keep the event loop polling a little. */
  expectSoon(): void;
  ended(s: Session, record: TransferRecord): void;
}

/**
 * Adaptive busy polling. On a fast link the client's ACK comes back within tens of
 * microseconds; if the event loop has gone to sleep in epoll by then, waking it costs as
 * much again (more in a VM, where an idle vCPU must be rescheduled). So after a window is
 * sent to a client whose recent ACKs took less than `spinBelowMs`, the loop keeps turning
 * (setImmediate, epoll with timeout 0) for at most `spinForMs`. On a slow link (real
 * firmware behind a switch) the measured round trip is longer and the loop sleeps as usual.
 * Only for a couple of transfers at once: see expectSoon.
 */
export const spinBelowMs = 0.1;
const spinForMs = 0.15;
const spinMaxTransfers = 2;

/** The busy-poll loop of one event loop (the server's, or a worker's). */
export class Spinner {
  private until = 0;
  private spinning = false;

  constructor(
    /** Transfers running on this loop. */
    private readonly active: () => number,
    private readonly alive: () => boolean,
  ) {}

  expectSoon(): void {
    // With several transfers the loop seldom idles, and spinning would only take CPU from
    // whatever else runs on the station.
    if (this.active() > spinMaxTransfers) return;
    this.until = performance.now() + spinForMs;
    if (!this.spinning && this.alive()) {
      this.spinning = true;
      setImmediate(this.spin);
    }
  }

  private readonly spin = (): void => {
    if (this.alive() && performance.now() < this.until) setImmediate(this.spin);
    else this.spinning = false;
  };
}

/** Bytes read from the file at once (rounded down to whole blocks); windows are served from memory. */
const readChunk = 256 * 1024;

/**
 * The I/O side of one transfer: its socket, file handle, read cache and timer. The file is
 * read in block-aligned chunks, and the chunk after the one being sent is read ahead, so a
 * window is almost never held up by a read on libuv's thread pool.
 */
export class Session {
  private timer: NodeJS.Timeout | null = null;
  /** Loaded chunks by index; only the window's chunks and the one read ahead are kept. */
  private readonly chunks = new Map<number, Buffer>();
  private readonly loading = new Map<number, Promise<Buffer>>();
  private readonly blocksPerChunk: number;
  private chain: Promise<void> = Promise.resolve();
  private busy = 0;
  private done = false;
  /** Segmented sends for windows, until the kernel refuses one. */
  private gso: { native: NonNullable<ReturnType<typeof gsoAddon>>; fd: number } | null;
  /** When the last window went out, and the smoothed time until its ACK (ms). */
  private sentAt = 0;
  private turnaround = 0;

  constructor(
    private readonly server: SessionHost,
    readonly key: string,
    readonly file: string,
    private readonly client: { address: string; port: number },
    private readonly fh: ReadSource,
    private readonly sock: UdpSocket,
    private readonly transfer: ReadTransfer,
    private readonly started: number,
  ) {
    this.blocksPerChunk = Math.max(1, Math.floor(readChunk / transfer.params.blksize));
    const native = transfer.params.windowsize > 1 ? gsoAddon() : null;
    const fd = native ? (sock.fd?.() ?? null) : null;
    this.gso = native && fd !== null ? { native, fd } : null;
  }

  begin(): void {
    this.sock.onMessage((msg, from) => this.onMessage(msg, from));
    this.timer = setTimeout(() => this.onTimer(), this.transfer.params.timeoutMs);
    this.apply(this.transfer.start(this.server.now()));
  }

  private onMessage(msg: Buffer, from: { address: string; port: number }): void {
    if (from.port !== this.client.port || from.address !== this.client.address) {
      // RFC 1350 §4: a packet from another TID gets ERROR 5 and the transfer goes on.
      this.sock.send(
        [encode({ op: 'error', code: ErrorCode.unknownTid, message: 'unknown transfer ID' })],
        from.port,
        from.address,
      );
      this.server.log.warn(
        { client: from.address, port: from.port, transferWith: this.key },
        'tftp: packet from a stranger port answered with error 5',
      );
      return;
    }
    let p: TftpPacket;
    try {
      p = decode(msg);
    } catch (err) {
      this.server.log.warn(
        { client: from.address, err: (err as Error).message },
        'tftp: malformed packet ignored',
      );
      return;
    }
    if (p.op === 'ack' && this.sentAt > 0) {
      const rtt = performance.now() - this.sentAt;
      this.turnaround = this.turnaround === 0 ? rtt : this.turnaround * 0.875 + rtt * 0.125;
      this.sentAt = 0;
    }
    this.apply(this.transfer.onPacket(p, this.server.now()));
  }

  private onTimer(): void {
    if (this.done) return;
    const now = this.server.now();
    const wait = this.transfer.nextDeadline() - now;
    if (wait > 0) {
      this.timer = setTimeout(() => this.onTimer(), wait);
      return;
    }
    this.apply(this.transfer.onTimeout(now));
    if (!this.done) this.timer = setTimeout(() => this.onTimer(), this.transfer.params.timeoutMs);
  }

  private apply(actions: TransferAction[]): void {
    for (const a of actions) {
      switch (a.type) {
        case 'oack':
          this.send([encode({ op: 'oack', options: a.options })]);
          break;
        case 'blocks':
          // No timer work per packet: onTimer re-reads the transfer's deadline when it fires.
          if (this.busy === 0 && this.loaded(a.from, a.to)) this.sendBlocks(a.from, a.to);
          else this.queue(a.from, a.to);
          break;
        case 'error':
          this.send([encode({ op: 'error', code: a.code, message: a.message })]);
          break;
        case 'done':
          void this.finish(a.result, a.error);
          break;
        default:
          assertNever(a, 'action');
      }
    }
  }

  private send(chunks: Buffer[]): void {
    this.sock.send(chunks, this.client.port, this.client.address);
  }

  private chunkOf(block: number): number {
    return Math.floor((block - 1) / this.blocksPerChunk);
  }

  private loaded(from: number, to: number): boolean {
    for (let c = this.chunkOf(from); c <= this.chunkOf(to); c++) {
      if (!this.chunks.has(c)) return false;
    }
    return true;
  }

  /** Reads chunk c once; concurrent callers share the read. */
  private load(c: number): Promise<Buffer> {
    const pending = this.loading.get(c);
    if (pending) return pending;
    const p = this.read(c).finally(() => this.loading.delete(c));
    this.loading.set(c, p);
    return p;
  }

  private async read(c: number): Promise<Buffer> {
    const bytes = this.blocksPerChunk * this.transfer.params.blksize;
    const start = c * bytes;
    const length = Math.max(0, Math.min(bytes, this.transfer.size - start));
    // A fresh buffer per chunk: packets sent from the previous one may still be queued.
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (!this.done) this.chunks.set(c, buf.subarray(0, got));
    return buf;
  }

  private queue(from: number, to: number): void {
    this.busy++;
    this.chain = this.chain
      .then(async () => {
        if (this.done) return;
        for (let c = this.chunkOf(from); c <= this.chunkOf(to); c++) {
          if (!this.chunks.has(c)) await this.load(c);
        }
        if (!this.done) this.sendBlocks(from, to);
      })
      .catch((err: unknown) => {
        this.send([encode({ op: 'error', code: ErrorCode.notDefined, message: 'read error' })]);
        void this.finish('error', `reading the file failed: ${(err as Error).message}`);
      })
      .finally(() => {
        this.busy--;
      });
  }

  private sendBlocks(from: number, to: number): void {
    const blksize = this.transfer.params.blksize;
    let n = from;
    if (to > from && this.gso) n = this.sendSegmented(from, to);
    for (; n <= to; n++) {
      const chunk = this.chunks.get(this.chunkOf(n))!;
      const at = ((n - 1) % this.blocksPerChunk) * blksize;
      this.send([dataHeader(n), chunk.subarray(at, at + blksize)]);
    }
    this.sentAt = performance.now();
    if (this.turnaround < spinBelowMs) this.server.expectSoon();
    // `from` only moves forward (it is the first unacknowledged block): older chunks go,
    // and the next one is read while the client acknowledges this window.
    const first = this.chunkOf(from);
    for (const c of this.chunks.keys()) if (c < first) this.chunks.delete(c);
    const next = this.chunkOf(to) + 1;
    if (
      next * this.blocksPerChunk < this.transfer.blocks &&
      !this.chunks.has(next) &&
      !this.loading.has(next)
    ) {
      // A failed read-ahead is not an error yet: the window that needs it reads it again.
      this.load(next).catch(() => undefined);
    }
  }

  /**
   * Sends blocks from..to in as few segmented sends as the kernel allows; returns the first
   * block not sent (the caller sends the rest one by one).
   */
  private sendSegmented(from: number, to: number): number {
    const gso = this.gso!;
    const blksize = this.transfer.params.blksize;
    const segment = 4 + blksize;
    const perSend = Math.min(gsoMaxSegments, Math.floor(gsoMaxBytes / segment));
    let n = from;
    while (n < to && perSend > 1) {
      const last = Math.min(to, n + perSend - 1);
      const parts: Buffer[] = [];
      for (let b = n; b <= last; b++) {
        const chunk = this.chunks.get(this.chunkOf(b))!;
        const at = ((b - 1) % this.blocksPerChunk) * blksize;
        const data = chunk.subarray(at, at + blksize);
        parts.push(dataHeader(b), data);
        // Only the last datagram of a segmented send may be shorter.
        if (data.length < blksize && b < last) return n;
      }
      const r = sendSegments(
        gso.native,
        gso.fd,
        Buffer.concat(parts),
        segment,
        this.client.address,
        this.client.port,
      );
      if (r === 'unsupported') this.gso = null;
      if (r !== 'sent') return n;
      n = last + 1;
    }
    return n;
  }

  async finish(result: TransferResult, error?: string): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.chunks.clear();
    this.sock.close();
    // Reported (and forgotten by the server) before any await: a client that aborts and asks
    // again at once from the same port (OVMF's size probe) must be a new transfer.
    this.server.ended(this, {
      client: this.client.address,
      port: this.client.port,
      file: this.file,
      bytes: result === 'ok' ? this.transfer.size : this.transfer.bytesAcked(),
      size: this.transfer.size,
      durationMs: this.server.now() - this.started,
      result,
      ...(error ? { error } : {}),
      blksize: this.transfer.params.blksize,
      windowsize: this.transfer.params.windowsize,
    });
    await this.fh.close().catch(() => undefined);
  }
}
