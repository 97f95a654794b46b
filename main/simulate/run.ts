import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTimelineSeqs } from './timeline-stream.js';
import { Worker } from 'node:worker_threads';
import { identity, scaled, type SimOptions } from './model.js';
import { simulateMachine, type SimMachineStats, type SimResult } from './machine.js';
import { StationClient } from './station-client.js';

export interface SimulateOptions extends SimOptions {
  /** The bench listener, e.g. http://192.168.50.1:8080. */
  benchUrl: string;
  /** The UI listener and its token: only for --assign and --measure. */
  ui: { url: string; token: string } | null;
  machines: number;
  /** Assign every simulated machine to this profile (one batch by MAC), as a technician would. */
  assign: string | null;
  /** Power-ons are spread over this many bench seconds (scaled by speed). */
  rampSeconds: number;
  /** How long an unassigned machine keeps asking for its script, in bench seconds. */
  waitSeconds: number;
  /** Time each report until its event arrives on the UI event stream (needs ui). */
  measure: boolean;
  signal?: AbortSignal;
}

export interface LatencyStats {
  count: number;
  unmatched: number;
  p50: number;
  p95: number;
  max: number;
}

export interface SimulateSummary {
  machines: number;
  results: Record<SimResult, number>;
  stepsRun: number;
  failedAttempts: number;
  reboots: number;
  reportsSent: number;
  answerFiles: number;
  wallMs: number;
  /** Report -> event on the UI stream. */
  latency: LatencyStats | null;
  /** Report -> HTTP answer (the agent's own round trip), for comparison. */
  ackLatency: LatencyStats | null;
  perMachine: SimMachineStats[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

type EntryListener = (machineId: string, seq: number, at: number) => void;

/**
 * The event stream as the dashboard reads it; records when each stored report's timeline
 * entry arrives. In a worker thread when the compiled watcher is there (dist/), so this
 * process's own load does not count; in the same thread otherwise (tests run from source).
 */
async function watchEvents(
  ui: { url: string; token: string },
  signal: AbortSignal,
  onEntry: EntryListener,
): Promise<() => void> {
  const workerFile = fileURLToPath(new URL('./event-watcher.js', import.meta.url));
  if (fs.existsSync(workerFile)) {
    const worker = new Worker(workerFile, { workerData: ui });
    await new Promise<void>((resolve, reject) => {
      worker.on(
        'message',
        (m: { ready?: true; error?: string; entries?: [string, number, number][] }) => {
          if (m.ready) resolve();
          if (m.error) reject(new Error(m.error));
          for (const [id, seq, at] of m.entries ?? []) onEntry(id, seq, at);
        },
      );
      worker.once('error', reject);
    });
    const stop = () => void worker.terminate();
    signal.addEventListener('abort', stop, { once: true });
    return stop;
  }
  return watchInline(ui, signal, onEntry);
}

async function watchInline(
  ui: { url: string; token: string },
  signal: AbortSignal,
  onEntry: EntryListener,
): Promise<() => void> {
  const ctrl = new AbortController();
  signal.addEventListener('abort', () => ctrl.abort(), { once: true });
  const res = await fetch(`${ui.url}/api/v1/events`, {
    headers: { authorization: `Bearer ${ui.token}`, accept: 'text/event-stream' },
    signal: ctrl.signal,
  });
  if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
  const body = res.body;
  void (async () => {
    try {
      await readTimelineSeqs(body, (entries) => {
        for (const [id, seq, at] of entries) onEntry(id, seq, at);
      });
    } catch {
      // aborted at the end of the run
    }
  })();
  return () => ctrl.abort();
}

function stats(sorted: number[], unmatched: number): LatencyStats {
  return {
    count: sorted.length,
    unmatched,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? 0,
  };
}

/** Runs N simulated machines against a station and sums up what happened. */
export async function simulate(o: SimulateOptions): Promise<SimulateSummary> {
  const started = Date.now();
  const signal = o.signal ?? new AbortController().signal;
  // Every sleeping machine listens for the stop signal.
  setMaxListeners(o.machines * 2 + 10, signal);
  const client = new StationClient(o.benchUrl.replace(/\/$/, ''), o.ui);
  const ids = Array.from({ length: o.machines }, (_, i) => identity(i + 1, o.seed));

  if (o.assign) {
    // One batch with every simulated MAC, like a technician pasting a list.
    for (let i = 0; i < ids.length; i += 1000) {
      await client.uiPost('/api/v1/batches', {
        profile: o.assign,
        macs: ids.slice(i, i + 1000).map((m) => m.mac),
        name: `simulator ${new Date().toISOString().slice(0, 16)}`,
      });
    }
  }

  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const acks: number[] = [];
  let stopWatching: (() => void) | null = null;
  if (o.measure) {
    if (!o.ui) throw new Error('--measure needs --ui and --ui-token');
    stopWatching = await watchEvents(o.ui, signal, (machineId, seq, at) => {
      const key = `${machineId}:${seq}`;
      const t = sent.get(key);
      if (t !== undefined) {
        latencies.push(at - t);
        sent.delete(key);
      }
    });
  }

  const ramp = scaled(o.rampSeconds, o);
  const perMachine = await Promise.all(
    ids.map(async (id, i) => {
      await new Promise((r) => setTimeout(r, Math.round((ramp * i) / Math.max(1, ids.length))));
      return simulateMachine(id, client, o, {
        signal,
        waitLimitMs: scaled(o.waitSeconds, o),
        ...(o.measure
          ? {
              onReportSent: (m: string, seq: number, at: number) => sent.set(`${m}:${seq}`, at),
              onAck: (ms: number) => acks.push(ms),
            }
          : {}),
      });
    }),
  );
  // Events are batched (~50 ms): let the last ones arrive.
  if (stopWatching) {
    await new Promise((r) => setTimeout(r, 500));
    stopWatching();
  }

  const results: Record<SimResult, number> = {
    done: 0,
    failed: 0,
    unassigned: 0,
    'local-boot': 0,
    error: 0,
  };
  for (const m of perMachine) results[m.result]++;
  const sum = (k: keyof SimMachineStats) =>
    perMachine.reduce((n, m) => n + (typeof m[k] === 'number' ? (m[k] as number) : 0), 0);
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    machines: o.machines,
    results,
    stepsRun: sum('stepsRun'),
    failedAttempts: sum('failedAttempts'),
    reboots: sum('reboots'),
    reportsSent: sum('reportsSent'),
    answerFiles: sum('answerFiles'),
    wallMs: Date.now() - started,
    // Step-log and progress reports have no timeline entry of their own: `unmatched`.
    latency: o.measure ? stats(latencies, sent.size) : null,
    ackLatency: o.measure ? stats(acks, 0) : null,
    perMachine,
  };
}
