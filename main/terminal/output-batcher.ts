/** Timer functions, injected so tests can drive time by hand. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export const BATCH_MS = 16;
export const BATCH_BYTES = 200 * 1024;

/**
 * Gathers a shell's output into one frame about every 16 ms (one screen refresh), or at once
 * when 200 KiB are waiting: `cat` of a big log is a few hundred frames, not a million tiny
 * writes that would keep the event loop busy and stall every other request.
 */
export class OutputBatcher {
  private chunks: Buffer[] = [];
  private size = 0;
  private timer: unknown = null;

  constructor(
    private readonly emit: (frame: Buffer) => void,
    private readonly timers: Timers = realTimers,
    private readonly ms = BATCH_MS,
    private readonly maxBytes = BATCH_BYTES,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.maxBytes) this.flush();
    else this.timer ??= this.timers.set(() => this.flush(), this.ms);
  }

  /** Bytes gathered and not yet emitted. */
  get waiting(): number {
    return this.size;
  }

  flush(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    if (this.size === 0) return;
    const frame = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.size = 0;
    this.emit(frame);
  }

  /** Drops what is waiting (the session is gone). */
  dispose(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.chunks = [];
    this.size = 0;
  }
}
