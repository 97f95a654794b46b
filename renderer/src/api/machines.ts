import type {
  BatchSummary,
  MachineDetail,
  MachineLogEntry,
  MachineSummary,
  Result,
  StepLog,
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

/** Wake-on-LAN: a magic packet to the machine's MACs on the bench network. */
export const wakeMachine = (
  id: string,
): Promise<Result<{ sent: number; to: string; macs: string[] }>> =>
  postJson<{ sent: number; to: string; macs: string[] }>(`${m(id)}/wake`, {});

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

/** One step's log in a deployment, grouped by attempt, newest first (the station groups it). */
export const fetchStepAttempts = (
  id: string,
  stepId: string,
  deployment: number,
): Promise<Result<StepLog>> =>
  api<StepLog>(`${m(id)}/steps/${encodeURIComponent(stepId)}/log?deployment=${deployment}`);
