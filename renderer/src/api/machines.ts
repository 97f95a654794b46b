import type {
  BatchSummary,
  MachineDetail,
  MachineLogEntry,
  MachineSummary,
  Result,
} from '../../../main/api/contract';
import { api, postJson } from './client';

const m = (id: string) => `/api/v1/machines/${encodeURIComponent(id)}`;

export const fetchMachines = (): Promise<Result<MachineSummary[]>> =>
  api<MachineSummary[]>('/api/v1/machines');
export const fetchMachine = (id: string): Promise<Result<MachineDetail>> =>
  api<MachineDetail>(m(id));
/** The machine's append-only event log, oldest first (the timeline and full step logs). */
export const fetchTimeline = (id: string): Promise<Result<MachineLogEntry[]>> =>
  api<MachineLogEntry[]>(`${m(id)}/log?limit=5000`);

/** Every log line of one step in this deployment, from the event log (the stream carries a tail). */
export async function fetchStepLog(
  id: string,
  stepId: string,
  deployment: number,
): Promise<Result<{ lines: string[] }>> {
  const r = await fetchTimeline(id);
  if (!r.ok) return r;
  const lines: string[] = [];
  for (const e of r.value) {
    if (e.deployment !== deployment || e.data.stepId !== stepId) continue;
    if (e.kind === 'log' && Array.isArray(e.data.lines)) lines.push(...(e.data.lines as string[]));
  }
  return { ok: true, value: { lines } };
}

export type MachineAction = 'reset' | 'done';
export type StepAction = 'retry' | 'skip';

/** Assigns a profile; on an assigned machine this starts a new deployment (reassign). */
export const assignMachine = (id: string, profile: string): Promise<Result<MachineSummary>> =>
  postJson<MachineSummary>(`${m(id)}/assign`, { profile });
export const assignMany = (ids: string[], profile: string): Promise<Result<MachineSummary[]>> =>
  postJson<MachineSummary[]>('/api/v1/machines/assign', { machines: ids, profile });
export const machineAction = (id: string, action: MachineAction): Promise<Result<MachineSummary>> =>
  postJson<MachineSummary>(`${m(id)}/${action}`, {});
export const stepAction = (
  id: string,
  stepId: string,
  action: StepAction,
): Promise<Result<MachineSummary>> =>
  postJson<MachineSummary>(`${m(id)}/steps/${encodeURIComponent(stepId)}/${action}`, {});

export const fetchBatches = (): Promise<Result<BatchSummary[]>> =>
  api<BatchSummary[]>('/api/v1/batches');
export const createBatch = (
  profile: string,
  count: number,
  name?: string,
): Promise<Result<BatchSummary>> =>
  postJson<BatchSummary>('/api/v1/batches', { profile, count, ...(name ? { name } : {}) });
export const closeBatch = (id: string): Promise<Result<BatchSummary>> =>
  postJson<BatchSummary>(`/api/v1/batches/${encodeURIComponent(id)}/close`, {});

/** Runs one action on many machines; returns the failures with the machine they hit. */
export async function forEachMachine(
  ids: string[],
  run: (id: string) => Promise<Result<unknown>>,
): Promise<{ id: string; message: string }[]> {
  const failures: { id: string; message: string }[] = [];
  // A few at a time: a 500-machine selection must not open 500 connections at once.
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const r = await run(id);
      if (!r.ok) failures.push({ id, message: r.error.message });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return failures;
}
