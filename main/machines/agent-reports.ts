import crypto from 'node:crypto';
import type { Report } from '../agent/protocol.js';
import { agentFirstWord, applyEntry, planSettled } from './state.js';
import type { EntryData, MachineView } from './types.js';

/**
 * Turns a batch of agent reports into log entries, pure. Reports are numbered per
 * deployment by the agent (seq 1, 2, 3, ...) and taken strictly in order:
 * - seq <= lastSeq: a resend; absorbed (200) if it is the same report, 409 if it differs;
 * - seq == lastSeq + 1: new; stored;
 * - seq > lastSeq + 1: a gap (a report went missing); 409 with the seq expected.
 * A step report repeated under a new seq (same step, attempt and outcome) is stored as a
 * `duplicate` so the seq still advances but the step is never counted twice.
 */
export type ReportOutcome =
  | { ok: true; entries: EntryData[]; absorbed: number; stored: number }
  | { ok: false; status: number; code: string; message: string; details?: unknown };

export interface ReportContext {
  view: MachineView;
  /** `${stepId}:${attempt}:${status}` of step reports already stored this deployment. */
  seen: ReadonlySet<string>;
  digestOf: (seq: number) => string | undefined;
  ip: string;
}

export function reportDigest(r: Report): string {
  return crypto.hash('sha256', canonical(r), 'base64url').slice(0, 22);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function entriesForReports(reports: Report[], c: ReportContext): ReportOutcome {
  const sorted = [...reports].sort((a, b) => a.seq - b.seq);
  const entries: EntryData[] = [];
  // Step reports of this batch; with c.seen, the ones already recorded (no copy of c.seen).
  const seenNow = new Set<string>();
  const seen = {
    has: (k: string) => c.seen.has(k) || seenNow.has(k),
    add: (k: string) => seenNow.add(k),
  };
  const batchDigests = new Map<number, string>();
  let view = c.view;
  let lastSeq = view.lastSeq;
  let absorbed = 0;
  const push = (d: EntryData): void => {
    entries.push(d);
    view = applyEntry(view, {
      id: 0,
      machineId: view.id,
      at: view.updatedAt,
      deployment: view.deployment,
      data: d,
    });
  };

  for (const d of agentFirstWord(view, c.ip)) push(d);
  if (view.state === 'stalled') push({ kind: 'resumed' });

  for (const r of sorted) {
    const digest = reportDigest(r);
    if (r.seq <= lastSeq) {
      const known = c.digestOf(r.seq) ?? batchDigests.get(r.seq);
      if (known !== undefined && known !== digest) {
        return {
          ok: false,
          status: 409,
          code: 'seq_conflict',
          message: `Report ${r.seq} was already stored with other content; number new reports from ${lastSeq + 1}.`,
          details: { seq: r.seq, expectedSeq: lastSeq + 1 },
        };
      }
      absorbed++;
      continue;
    }
    if (r.seq !== lastSeq + 1) {
      return {
        ok: false,
        status: 409,
        code: 'out_of_order',
        message: `Report ${r.seq} came before report ${lastSeq + 1}; send reports in order from ${lastSeq + 1}.`,
        details: { expectedSeq: lastSeq + 1, lastSeq },
      };
    }
    lastSeq = r.seq;
    batchDigests.set(r.seq, digest);

    if (r.type === 'inventory') {
      push({ kind: 'inventory', seq: r.seq, inventory: r.inventory, digest });
      continue;
    }
    if (r.type === 'fatal') {
      push({
        kind: 'failed',
        seq: r.seq,
        stepId: null,
        reason: r.reason,
        ...(r.logTail ? { logTail: r.logTail } : {}),
        digest,
      });
      continue;
    }
    const step = view.steps.find((s) => s.id === r.stepId);
    if (!step) {
      return {
        ok: false,
        status: 400,
        code: 'unknown_step',
        message: `Report ${r.seq} names step "${r.stepId}", which is not in this machine's plan; fetch the plan again.`,
        details: { seq: r.seq, stepId: r.stepId },
      };
    }
    const base = { seq: r.seq, stepId: r.stepId, attempt: r.attempt, digest };
    switch (r.type) {
      case 'step-progress':
        push({
          kind: 'progress',
          ...base,
          ...(r.percent !== undefined ? { percent: r.percent } : {}),
          ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
          ...(r.totalBytes !== undefined ? { totalBytes: r.totalBytes } : {}),
          ...(r.message !== undefined ? { message: r.message } : {}),
        });
        break;
      case 'step-log':
        push({ kind: 'log', ...base, lines: r.lines });
        break;
      case 'step-started':
      case 'step-succeeded':
      case 'step-failed':
      case 'step-skipped': {
        const status = r.type.slice(5) as 'started' | 'succeeded' | 'failed' | 'skipped';
        const key = `${r.stepId}:${r.attempt}:${status}`;
        if (seen.has(key)) {
          push({
            kind: 'duplicate',
            seq: r.seq,
            of: r.type,
            stepId: r.stepId,
            attempt: r.attempt,
            digest,
          });
          break;
        }
        seen.add(key);
        if (r.type === 'step-started') {
          push({ kind: 'step', ...base, status, ...(r.message ? { message: r.message } : {}) });
        } else if (r.type === 'step-succeeded') {
          push({
            kind: 'step',
            ...base,
            status,
            ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
            ...(r.reboot ? { reboot: true } : {}),
            ...(r.logTail ? { logTail: r.logTail } : {}),
            ...(r.message ? { message: r.message } : {}),
            ...(r.check ? { check: r.check } : {}),
          });
        } else if (r.type === 'step-failed') {
          // The agent retries by itself; the station fails the machine after the last attempt.
          const final = r.attempt >= step.retries + 1;
          push({
            kind: 'step',
            ...base,
            status,
            exitCode: r.exitCode ?? null,
            message: r.reason,
            ...(r.logTail ? { logTail: r.logTail } : {}),
            ...(r.check ? { check: r.check } : {}),
            final,
          });
        } else {
          push({ kind: 'step', ...base, status, ...(r.reason ? { message: r.reason } : {}) });
        }
        break;
      }
    }
  }
  const stored = entries.filter((e) => 'seq' in e).length;
  if (
    stored > 0 &&
    (view.state === 'provisioning' || view.state === 'verifying') &&
    planSettled(view)
  ) {
    push({ kind: 'done', by: 'agent' });
  }
  return { ok: true, entries, absorbed, stored };
}
