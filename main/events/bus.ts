import type { StationEvent, StationEventInput } from '../api/contract.js';

export type EventListener = (event: StationEvent) => void;
export type BatchListener = (batch: StationEvent[]) => void;

/**
 * The station's one event stream. In-process listeners get every event synchronously;
 * stream clients (SSE) get batches about every `batchMs`, so a flood of agent reports is
 * one write per client per tick, not one per report. A ring of recent events lets a
 * reconnecting client resume from Last-Event-ID without a refetch.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<EventListener>();
  private readonly batchListeners = new Set<BatchListener>();
  private pending: StationEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The last `ringSize` events, oldest at `ringStart` (a circular buffer: no copying). */
  private readonly ring: StationEvent[] = [];
  private ringStart = 0;

  constructor(
    private readonly batchMs = 50,
    private readonly ringSize = 2000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  publish(input: StationEventInput): StationEvent {
    const event = { ...input, seq: ++this.seq, at: this.now().toISOString() } as StationEvent;
    if (this.ring.length < this.ringSize) this.ring.push(event);
    else if (this.ringSize > 0) {
      this.ring[this.ringStart] = event;
      this.ringStart = (this.ringStart + 1) % this.ringSize;
    }
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's bug must not stop the stream; listeners log their own errors.
      }
    }
    if (this.batchListeners.size > 0) {
      this.pending.push(event);
      this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    }
    return event;
  }

  /** Sends what is pending now (used at shutdown and by tests). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    for (const l of this.batchListeners) {
      try {
        l(batch);
      } catch {
        // see publish()
      }
    }
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onBatch(listener: BatchListener): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  /** Events after `seq` still in the ring, or null if some were already dropped. */
  since(seq: number): StationEvent[] | null {
    if (seq >= this.seq) return [];
    const n = this.ring.length;
    const first = this.ring[this.ringStart];
    if (!first || first.seq > seq + 1) return null;
    const out: StationEvent[] = [];
    for (let i = 0; i < n; i++) {
      const e = this.ring[(this.ringStart + i) % n]!;
      if (e.seq > seq) out.push(e);
    }
    return out;
  }

  get lastSeq(): number {
    return this.seq;
  }

  close(): void {
    this.flush();
    this.listeners.clear();
    this.batchListeners.clear();
  }
}
