import type { TransferParams } from './negotiate.js';
import { ErrorCode, type TftpOptions, type TftpPacket } from './packet.js';
import { assertNever } from '../../util/assert-never.js';

/**
 * The sending side of one read transfer, as pure logic: packets and timer ticks in,
 * actions out. No sockets, no clock (`now` is passed in), no file access (it names the
 * blocks to send; the server reads them). Blocks are numbered from 1 without limit here
 * and only wrap to 16 bits on the wire (rollover past 65535 goes to 0, like tftpd-hpa).
 */

export type TransferResult = 'ok' | 'aborted' | 'timeout' | 'error';

export type TransferAction =
  | { type: 'oack'; options: TftpOptions }
  /** Send DATA for blocks from..to (inclusive, absolute numbers). */
  | { type: 'blocks'; from: number; to: number }
  | { type: 'error'; code: number; message: string }
  | { type: 'done'; result: TransferResult; error?: string };

export interface TransferState {
  readonly blocks: number;
  readonly acked: number;
  readonly retries: number;
  readonly deadline: number;
  readonly finished: boolean;
}

export class ReadTransfer {
  /** Total DATA blocks; the last is shorter than blksize, possibly empty (RFC 1350 §6). */
  readonly blocks: number;
  /** Highest block the client acknowledged (0: none yet; the OACK is acknowledged by ACK 0). */
  private acked = 0;
  /** Highest block sent so far in the current window. */
  private sentTo = 0;
  private retries = 0;
  private deadline = 0;
  private finished = false;
  private readonly awaitingOack: boolean;
  private oackAcked = false;

  constructor(
    readonly size: number,
    readonly params: TransferParams,
    private readonly maxRetries = 5,
  ) {
    this.blocks = Math.floor(size / params.blksize) + 1;
    this.awaitingOack = params.oack !== null;
  }

  state(): TransferState {
    return {
      blocks: this.blocks,
      acked: this.acked,
      retries: this.retries,
      deadline: this.deadline,
      finished: this.finished,
    };
  }

  /** Bytes of block n (absolute), for the server's reads. */
  blockRange(n: number): { offset: number; length: number } {
    const offset = (n - 1) * this.params.blksize;
    return { offset, length: Math.max(0, Math.min(this.params.blksize, this.size - offset)) };
  }

  /** Bytes the client has acknowledged. */
  bytesAcked(): number {
    if (this.acked === 0) return 0;
    const r = this.blockRange(this.acked);
    return r.offset + r.length;
  }

  /** When the server should call onTimeout() next (ms since epoch). */
  nextDeadline(): number {
    return this.deadline;
  }

  start(now: number): TransferAction[] {
    this.deadline = now + this.params.timeoutMs;
    if (this.awaitingOack) return [{ type: 'oack', options: this.params.oack! }];
    return [this.window()];
  }

  onPacket(p: TftpPacket, now: number): TransferAction[] {
    if (this.finished) return [];
    switch (p.op) {
      case 'ack':
        return this.onAck(p.block, now);
      case 'error':
        this.finished = true;
        // OVMF asks for the boot file with tsize, then aborts with error 8 once it knows
        // the size, and asks again: that is a normal end, not a failure.
        return [
          {
            type: 'done',
            result: 'aborted',
            error: `client error ${p.code}${p.message ? `: ${p.message}` : ''}`,
          },
        ];
      case 'rrq':
      case 'wrq':
      case 'data':
      case 'oack':
        this.finished = true;
        return [
          { type: 'error', code: ErrorCode.illegalOperation, message: `unexpected ${p.op}` },
          { type: 'done', result: 'error', error: `client sent ${p.op} during a read transfer` },
        ];
      default:
        return assertNever(p, 'packet');
    }
  }

  /** Called when the deadline passed without progress: resend, or give up. */
  onTimeout(now: number): TransferAction[] {
    if (this.finished || now < this.deadline) return [];
    if (this.retries >= this.maxRetries) {
      this.finished = true;
      return [
        {
          type: 'done',
          result: 'timeout',
          error: `no acknowledgement after ${this.retries + 1} tries of ${this.params.timeoutMs} ms`,
        },
      ];
    }
    this.retries++;
    this.deadline = now + this.params.timeoutMs;
    if (this.awaitingOack && !this.oackAcked) {
      return [{ type: 'oack', options: this.params.oack! }];
    }
    return [this.window()];
  }

  private onAck(wire: number, now: number): TransferAction[] {
    if (this.awaitingOack && !this.oackAcked) {
      // RFC 2347: the client acknowledges the OACK with ACK 0.
      if (wire !== 0) return [];
      this.oackAcked = true;
      this.retries = 0;
      this.deadline = now + this.params.timeoutMs;
      return [this.window()];
    }
    // Map the 16-bit number into the blocks in flight: acked..sentTo (a window is < 65536).
    const delta = (wire - (this.acked & 0xffff) + 0x10000) & 0xffff;
    const block = this.acked + delta;
    // delta 0 is a duplicate ACK: never answer it with data, or every block doubles
    // (Sorcerer's Apprentice, RFC 1123 §4.2.3.1). Retransmission happens on timeout only.
    if (delta === 0 || block > this.sentTo) return [];
    this.acked = block;
    this.retries = 0;
    this.deadline = now + this.params.timeoutMs;
    if (this.acked >= this.blocks) {
      this.finished = true;
      return [{ type: 'done', result: 'ok' }];
    }
    // RFC 7440: an ACK inside the window means the client lost what followed; the next
    // window starts right after it. At the window's end this is the normal next window.
    return [this.window()];
  }

  private window(): TransferAction {
    const from = this.acked + 1;
    const to = Math.min(this.blocks, this.acked + this.params.windowsize);
    this.sentTo = to;
    return { type: 'blocks', from, to };
  }
}
