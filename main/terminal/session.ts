import type { TerminalInfo, TerminalServerMessage } from '../api/contract.js';
import type { Logger } from '../log/logger.js';
import { DEFAULT_LIMITS, FlowControl, type FlowChange, type FlowLimits } from './flow-control.js';
import { OutputBatcher, realTimers, type Timers } from './output-batcher.js';
import { endSession, signalSession } from './process-group.js';

/** The part of node-pty's IPty a session uses (a fake in unit tests). */
export interface PtyLike {
  readonly pid: number;
  onData(listener: (data: Buffer | string) => void): { dispose(): void };
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): { dispose(): void };
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(): void;
}

/** One browser tab's WebSocket, as the session sees it. */
export interface TerminalSocket {
  /** Sends output; `written` runs once the bytes left the station (or the send failed). */
  sendFrame(frame: Buffer, written: () => void): void;
  sendMessage(msg: TerminalServerMessage): void;
  close(code: number, reason: string): void;
}

export interface SessionOptions {
  /** How long a session lives without a socket (never attached, or its socket dropped). */
  graceMs: number;
  /** How long a shell gets after SIGHUP before SIGKILL. */
  killGraceMs: number;
  /** Output kept while no socket is attached; past it the shell is paused. */
  detachedMax: number;
  limits: FlowLimits;
  timers: Timers;
  /** End the program and everything started in its terminal (tests may replace it). */
  endGroup: (pid: number, graceMs: number) => Promise<void>;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  graceMs: 15_000,
  killGraceMs: 500,
  detachedMax: 1024 * 1024,
  limits: DEFAULT_LIMITS,
  timers: realTimers,
  endGroup: endSession,
};

/**
 * A pty-backed shell and, at most, one browser tab attached to it. Output is batched and
 * flow-controlled; while no tab is attached it is kept (bounded) for the next attach, so a
 * reload or a dropped Wi-Fi does not lose what ssh just printed. Ends when the program
 * exits, when it is closed, or when no tab has held it for `graceMs`.
 */
export class TerminalSession {
  private socket: TerminalSocket | null = null;
  /** Bumped per attach, so a late `written` from an old socket does not count for the new. */
  private generation = 0;
  private detached: Buffer[] = [];
  private detachedBytes = 0;
  private readonly batcher: OutputBatcher;
  private readonly flow: FlowControl;
  private ptyPaused = false;
  private graceTimer: unknown = null;
  private exit: { exitCode: number | null; signal: number | null } | null = null;
  private finished = false;
  private closing: Promise<void> | null = null;
  private resolveExited!: () => void;
  readonly exited = new Promise<void>((r) => (this.resolveExited = r));

  constructor(
    readonly info: TerminalInfo,
    private readonly pty: PtyLike,
    private readonly log: Logger,
    private readonly onFinish: (s: TerminalSession) => void,
    private readonly o: SessionOptions = DEFAULT_SESSION_OPTIONS,
  ) {
    this.batcher = new OutputBatcher((frame) => this.deliver(frame), o.timers);
    this.flow = new FlowControl(o.limits);
    pty.onData((d) => this.batcher.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : d));
    pty.onExit((e) => this.onExit(e.exitCode, e.signal ?? null));
    this.startGrace();
  }

  get id(): string {
    return this.info.id;
  }

  get hasEnded(): boolean {
    return this.finished;
  }

  /** A tab takes the session; one that held it before is told and let go. */
  attach(socket: TerminalSocket): void {
    if (this.finished) {
      socket.close(4404, 'terminal ended');
      return;
    }
    const previous = this.socket;
    this.socket = socket;
    this.generation++;
    this.info.attached = true;
    this.clearGrace();
    if (previous) previous.close(4409, 'opened in another tab');
    this.applyFlow(this.flow.reset());
    const kept = this.detached;
    this.detached = [];
    this.detachedBytes = 0;
    if (kept.length > 0) this.deliver(Buffer.concat(kept));
    this.updatePause();
    if (this.exit) this.sayExitAndFinish();
  }

  /** The tab's socket closed: keep the shell for `graceMs`, for a reload or reconnect. */
  detach(socket: TerminalSocket): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.info.attached = false;
    if (!this.finished) this.startGrace();
  }

  input(data: string): void {
    if (!this.exit) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exit) return;
    try {
      this.pty.resize(cols, rows);
    } catch {
      // The program may have just exited and closed the pty (ioctl EBADF) before its exit
      // event arrived: a resize of a finished terminal is moot, never a station error.
      return;
    }
    this.info.cols = cols;
    this.info.rows = rows;
  }

  ack(bytes: number): void {
    this.applyFlow(this.flow.acked(bytes));
  }

  /** Ends the program and everything it started; resolves once it is gone. */
  close(reason: string): Promise<void> {
    if (this.exit || this.finished) {
      this.finishNow();
      return Promise.resolve();
    }
    this.closing ??= (async () => {
      this.log.info({ terminal: this.id, pid: this.info.pid, reason }, 'closing terminal');
      await this.o.endGroup(this.info.pid, this.o.killGraceMs);
      // Windows has no process groups to signal: node-pty ends the console's processes.
      if (!this.exit) {
        try {
          this.pty.kill();
        } catch {
          // Gone already.
        }
      }
      // node-pty reports the exit once it has reaped the program; do not wait forever.
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000).unref())]);
      this.finishNow();
    })();
    return this.closing;
  }

  private deliver(frame: Buffer): void {
    const socket = this.socket;
    if (!socket) {
      this.detached.push(frame);
      this.detachedBytes += frame.length;
      this.updatePause();
      return;
    }
    const gen = this.generation;
    this.applyFlow(this.flow.sent(frame.length));
    socket.sendFrame(frame, () => {
      if (gen === this.generation) this.applyFlow(this.flow.written(frame.length));
    });
  }

  private applyFlow(change: FlowChange): void {
    if (change !== null) this.updatePause();
  }

  private updatePause(): void {
    const want =
      !this.exit &&
      (this.flow.isPaused || (this.socket === null && this.detachedBytes > this.o.detachedMax));
    if (want === this.ptyPaused) return;
    this.ptyPaused = want;
    if (want) this.pty.pause();
    else this.pty.resume();
  }

  private onExit(exitCode: number, signal: number | null): void {
    this.batcher.flush();
    this.exit = { exitCode, signal: signal || null };
    this.resolveExited();
    this.log.info({ terminal: this.id, pid: this.info.pid, exitCode, signal }, 'terminal ended');
    // Jobs the shell left running in its group (`sleep 1000 &`) go with it.
    signalSession(this.info.pid, 'SIGHUP');
    if (this.closing) return;
    // Without a tab, keep what it printed (ssh's "Connection refused") for the attach to come.
    if (this.socket) this.sayExitAndFinish();
  }

  private sayExitAndFinish(): void {
    const socket = this.socket;
    if (socket && this.exit) {
      socket.sendMessage({ type: 'exit', ...this.exit });
      socket.close(1000, 'terminal ended');
    }
    this.finishNow();
  }

  private finishNow(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearGrace();
    this.batcher.dispose();
    this.detached = [];
    this.info.attached = false;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'terminal closed');
    this.onFinish(this);
  }

  private startGrace(): void {
    this.clearGrace();
    this.graceTimer = this.o.timers.set(() => {
      this.graceTimer = null;
      if (!this.socket) void this.close('no tab attached');
    }, this.o.graceMs);
  }

  private clearGrace(): void {
    if (this.graceTimer !== null) this.o.timers.clear(this.graceTimer);
    this.graceTimer = null;
  }
}
