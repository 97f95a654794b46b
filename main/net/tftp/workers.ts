import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log/logger.js';
import type { NegotiationLimits } from './negotiate.js';
import type { TransferRecord } from './session.js';

/** What a transfer worker starts with (worker.ts reads it as workerData). */
export interface WorkerConfig {
  root: string;
  host: string;
  limits?: NegotiationLimits;
  maxRetries?: number;
  maxTransfers?: number;
}

/** Messages from a worker to the listening thread. */
export type FromWorker =
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg: string }
  | { type: 'record'; record: TransferRecord }
  | { type: 'stopped' };

/** Messages to a worker. */
export type ToWorker =
  { type: 'request'; msg: Uint8Array; from: { address: string; port: number } } | { type: 'stop' };

/** The station's default: one worker per core, at most four (transfers are I/O-light). */
export function defaultWorkerCount(): number {
  return Math.min(4, os.availableParallelism());
}

type Handle = (msg: Buffer, from: { address: string; port: number }) => void;

interface Slot {
  worker: Worker;
  alive: boolean;
}

/**
 * The transfer workers of one TFTP server. A client port always goes to the same worker,
 * so a repeated or replacing request meets the transfer it concerns. Their log lines and
 * transfer records come back here, to the station's logger and event bus. A worker that
 * dies is logged and its clients are served on this thread from then on.
 */
export class WorkerPool {
  private stopping = false;

  private constructor(
    private readonly slots: Slot[],
    private readonly fallback: Handle,
  ) {}

  /**
   * Starts `count` workers; null (after a debug line) when they cannot run here: from
   * TypeScript sources (tests), or where the worker script is missing or fails to load.
   */
  static async start(
    count: number,
    opts: WorkerConfig & { logger: Logger; onRecord?: (r: TransferRecord) => void },
    fallback: Handle,
  ): Promise<WorkerPool | null> {
    const url = new URL('./worker.js', import.meta.url);
    if (!import.meta.url.endsWith('.js') || !fs.existsSync(fileURLToPath(url))) {
      opts.logger.debug('tftp: no compiled worker script, transfers run on the main thread');
      return null;
    }
    const config: WorkerConfig = {
      root: opts.root,
      host: opts.host,
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
      maxTransfers: Math.max(1, Math.ceil((opts.maxTransfers ?? 1000) / count)),
    };
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const worker = new Worker(url, { workerData: config, name: `tftp-${i}` });
        await new Promise<void>((resolve, reject) => {
          worker.once('online', resolve);
          worker.once('error', reject);
        });
        slots.push({ worker, alive: true });
      }
    } catch (err) {
      opts.logger.warn({ err }, 'tftp: transfer workers could not start; using the main thread');
      await Promise.all(slots.map((s) => s.worker.terminate()));
      return null;
    }
    const pool = new WorkerPool(slots, fallback);
    slots.forEach((slot, i) => {
      slot.worker.on('message', (m: FromWorker) => {
        if (m.type === 'log') opts.logger[m.level](m.obj, m.msg);
        else if (m.type === 'record') opts.onRecord?.(m.record);
      });
      slot.worker.on('error', (err) => {
        opts.logger.error(
          { err },
          `tftp: transfer worker ${i} failed; its clients move to the main thread`,
        );
      });
      slot.worker.on('exit', () => {
        slot.alive = false;
        if (!pool.stopping) opts.logger.error(`tftp: transfer worker ${i} exited`);
      });
    });
    return pool;
  }

  dispatch(msg: Buffer, from: { address: string; port: number }): void {
    const slot = this.slots[hash(from.address, from.port) % this.slots.length]!;
    if (!slot.alive) {
      this.fallback(msg, from);
      return;
    }
    const m: ToWorker = { type: 'request', msg, from };
    slot.worker.postMessage(m);
  }

  /** Each worker ends its transfers (their records still come back), then exits. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map(async ({ worker, alive }) => {
        if (!alive) return;
        const done = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1000);
          worker.on('message', (m: FromWorker) => {
            if (m.type === 'stopped') {
              clearTimeout(timer);
              resolve();
            }
          });
        });
        const m: ToWorker = { type: 'stop' };
        worker.postMessage(m);
        await done;
        await worker.terminate();
      }),
    );
  }
}

function hash(address: string, port: number): number {
  let h = port;
  for (let i = 0; i < address.length; i++) h = (h * 31 + address.charCodeAt(i)) >>> 0;
  return h;
}
