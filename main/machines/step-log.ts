import type { StepAttemptLog, StepLog, StepLogItem } from '../api/contract.js';
import type { Entry } from './types.js';

/**
 * One step's log in one deployment, grouped by attempt (lines carry their attempt), with
 * the technician's retry and skip where they happened, newest first. A machine-level
 * failure while an attempt runs closes it as interrupted.
 */
export function stepLogOf(entries: readonly Entry[], stepId: string, deployment: number): StepLog {
  const items: StepLogItem[] = [];
  const open = new Map<number, StepAttemptLog>();
  const attemptFor = (n: number, at: string | null): StepAttemptLog => {
    let a = open.get(n);
    if (!a) {
      a = {
        attempt: n,
        status: 'running',
        startedAt: at,
        endedAt: null,
        exitCode: null,
        message: null,
        lines: [],
      };
      open.set(n, a);
      items.push({ type: 'attempt', attempt: a });
    }
    return a;
  };
  for (const e of entries) {
    if (e.deployment !== deployment) continue;
    const d = e.data;
    switch (d.kind) {
      case 'step': {
        if (d.stepId !== stepId) break;
        if (d.status === 'started') {
          // A new start of the same attempt number (the agent resumed after a reboot) is
          // still that attempt; a retry gets a new number from the agent.
          attemptFor(d.attempt, e.at);
          break;
        }
        const a = attemptFor(d.attempt, null);
        // The end report repeats the last lines; add only those not logged already.
        const recent = new Set(a.lines.slice(-2 * (d.logTail?.length ?? 0)));
        for (const line of d.logTail ?? []) if (!recent.has(line)) a.lines.push(line);
        a.status = d.status;
        a.endedAt = e.at;
        a.exitCode = d.exitCode ?? null;
        a.message = d.message ?? a.message;
        open.delete(d.attempt);
        break;
      }
      case 'log':
        if (d.stepId === stepId) attemptFor(d.attempt, null).lines.push(...d.lines);
        break;
      case 'retry-step':
      case 'skip-step':
        if (d.stepId !== stepId) break;
        items.push({
          type: 'action',
          at: e.at,
          action: d.kind === 'retry-step' ? 'retry' : 'skip',
          by: d.technician ?? null,
        });
        break;
      case 'failed':
        if (d.stepId === stepId) break;
        for (const a of open.values()) {
          a.status = 'interrupted';
          a.endedAt = e.at;
          a.message = `interrupted: ${d.reason}`;
        }
        open.clear();
        break;
      default:
        break;
    }
  }
  return { stepId, deployment, items: items.reverse() };
}
