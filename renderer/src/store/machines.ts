import type { StateCreator } from 'zustand';
import type { BatchSummary, MachineSummary, StationEvent } from '../../../main/api/contract';
import type { Store } from './index';

export type LoadState = 'idle' | 'loading' | 'loaded' | 'error';

export interface MachinesSlice {
  /** Every machine's dashboard row, by id; each `machine` event carries a whole row. */
  machines: Record<string, MachineSummary>;
  /**
   * When `machines` last changed (ms). The Bench sorts with it as "now", so rows re-order
   * when a batch arrives, not every second while the row clocks tick.
   */
  machinesAt: number;
  machinesLoad: LoadState;
  machinesError: string | null;
  batches: Record<string, BatchSummary>;
  setMachines: (list: MachineSummary[]) => void;
  setMachinesLoad: (load: LoadState, error?: string | null) => void;
  setBatches: (list: BatchSummary[]) => void;
  /** Applies the `machine` and `batch` events of one batch: one new map per batch, not per event. */
  applyMachineEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

export const createMachinesSlice: StateCreator<Store, [], [], MachinesSlice> = (set, get) => ({
  machines: {},
  machinesAt: 0,
  machinesLoad: 'idle',
  machinesError: null,
  batches: {},
  setMachines: (list) =>
    set({
      machines: Object.fromEntries(list.map((m) => [m.id, m])),
      machinesAt: Date.now(),
      machinesLoad: 'loaded',
      machinesError: null,
    }),
  setMachinesLoad: (machinesLoad, machinesError = null) => set({ machinesLoad, machinesError }),
  setBatches: (list) => set({ batches: Object.fromEntries(list.map((b) => [b.id, b])) }),
  applyMachineEvents: (batch) => {
    let machines: Record<string, MachineSummary> | null = null;
    let batches: Record<string, BatchSummary> | null = null;
    for (const e of batch) {
      if (e.type === 'machine') {
        machines ??= { ...get().machines };
        machines[e.machine.id] = e.machine;
      } else if (e.type === 'batch') {
        batches ??= { ...get().batches };
        batches[e.batch.id] = e.batch;
      }
    }
    if (!machines && !batches) return null;
    return {
      ...(machines ? { machines, machinesAt: Date.now() } : {}),
      ...(batches ? { batches } : {}),
    };
  },
});

export const selectMachines = (s: Store): Record<string, MachineSummary> => s.machines;
export const selectMachine =
  (id: string) =>
  (s: Store): MachineSummary | undefined =>
    s.machines[id];
export const selectBatchList = (s: Store): BatchSummary[] =>
  Object.values(s.batches).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
export const selectMachineCount = (s: Store): number => Object.keys(s.machines).length;
export const selectAttentionCount = (s: Store): number =>
  Object.values(s.machines).filter((m) => m.state === 'failed' || m.state === 'stalled').length;
export const selectMachinesAt = (s: Store): number => s.machinesAt;
export const selectMachinesLoad = (s: Store): LoadState => s.machinesLoad;
export const selectMachinesError = (s: Store): string | null => s.machinesError;
/** Every row as a list (a new array: read it with useShallow). */
export const selectMachineList = (s: Store): MachineSummary[] => Object.values(s.machines);
export const selectBatches = (s: Store): Record<string, BatchSummary> => s.batches;
export const selectOpenBatchCount = (s: Store): number =>
  Object.values(s.batches).filter((b) => b.open).length;
/** Machines a profile's preview can render for: its own, and those waiting (read with useShallow). */
export const selectPreviewMachines =
  (profileId: string) =>
  (s: Store): MachineSummary[] =>
    Object.values(s.machines)
      .filter((m) => m.profile === profileId || m.state === 'discovered')
      .slice(0, 200);
