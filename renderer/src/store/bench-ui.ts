import type { StateCreator } from 'zustand';
import { defaultFilter, type BenchFilter } from '../lib/bench-view';
import type { Store } from './index';

/** The Bench screen's filter and selection: kept here so they survive opening a machine. */
export interface BenchUiSlice {
  benchFilter: BenchFilter;
  selected: Record<string, true>;
  setBenchFilter: (patch: Partial<BenchFilter>) => void;
  toggleSelected: (id: string, on?: boolean) => void;
  setSelected: (ids: string[]) => void;
  clearSelected: () => void;
}

export const createBenchUiSlice: StateCreator<Store, [], [], BenchUiSlice> = (set, get) => ({
  benchFilter: defaultFilter,
  selected: {},
  setBenchFilter: (patch) => set({ benchFilter: { ...get().benchFilter, ...patch } }),
  toggleSelected: (id, on) => {
    const next = { ...get().selected };
    if (on ?? !next[id]) next[id] = true;
    else delete next[id];
    set({ selected: next });
  },
  setSelected: (ids) => set({ selected: Object.fromEntries(ids.map((id) => [id, true])) }),
  clearSelected: () => set({ selected: {} }),
});

export const selectBenchFilter = (s: Store): BenchFilter => s.benchFilter;
export const selectSelected = (s: Store): Record<string, true> => s.selected;
/** Selected ids that still exist (a machine can disappear on a reload). */
export const selectSelectedIds = (s: Store): string[] =>
  Object.keys(s.selected).filter((id) => s.machines[id] !== undefined);
