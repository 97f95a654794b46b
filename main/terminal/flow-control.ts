/**
 * Back-pressure for one session. Two counts bound the station's memory: bytes handed to the
 * WebSocket and not yet written to the network (a slow link), and bytes the browser has
 * not yet acknowledged as drawn (a slow tab). Past a high mark the shell is paused (its pty
 * is not read, so the program writing blocks in the kernel); below the low marks it resumes.
 */
export interface FlowLimits {
  /** Unacknowledged bytes that pause the shell. */
  ackHigh: number;
  ackLow: number;
  /** Bytes queued in the socket that pause the shell. */
  bufferHigh: number;
  bufferLow: number;
}

export const DEFAULT_LIMITS: FlowLimits = {
  ackHigh: 2 * 1024 * 1024,
  ackLow: 512 * 1024,
  bufferHigh: 1024 * 1024,
  bufferLow: 256 * 1024,
};

export type FlowChange = 'pause' | 'resume' | null;

export class FlowControl {
  private unacked = 0;
  private buffered = 0;
  private paused = false;

  constructor(private readonly limits: FlowLimits = DEFAULT_LIMITS) {}

  /** A frame of n bytes went into the socket. */
  sent(n: number): FlowChange {
    this.unacked += n;
    this.buffered += n;
    return this.decide();
  }

  /** The socket wrote n bytes out. */
  written(n: number): FlowChange {
    this.buffered = Math.max(0, this.buffered - n);
    return this.decide();
  }

  /** The browser drew n bytes. A client cannot ack more than it was sent. */
  acked(n: number): FlowChange {
    if (!Number.isFinite(n) || n <= 0) return null;
    this.unacked = Math.max(0, this.unacked - n);
    return this.decide();
  }

  /** A new socket: nothing is in flight on it any more. */
  reset(): FlowChange {
    this.unacked = 0;
    this.buffered = 0;
    return this.decide();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get state(): { unacked: number; buffered: number; paused: boolean } {
    return { unacked: this.unacked, buffered: this.buffered, paused: this.paused };
  }

  private decide(): FlowChange {
    const l = this.limits;
    if (!this.paused && (this.unacked > l.ackHigh || this.buffered > l.bufferHigh)) {
      this.paused = true;
      return 'pause';
    }
    if (this.paused && this.unacked <= l.ackLow && this.buffered <= l.bufferLow) {
      this.paused = false;
      return 'resume';
    }
    return null;
  }
}
