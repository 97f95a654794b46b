import type { StateCreator } from 'zustand';
import { defaultFilter, type BenchFilter, type StateFilter } from '../lib/bench-view';
import type { Store } from './index';

/** The Bench screen's filter and selection: kept here so they survive opening a machine. */
export interface BenchUiSlice {
  benchFilter: BenchFilter;
  selected: Record<string, true>;
  /** Rows unfolded to show a failure's whole reason and fix. */
  expanded: Record<string, true>;
  toggleExpanded: (id: string) => void;
  setBenchFilter: (patch: Partial<BenchFilter>) => void;
  toggleSelected: (id: string, on?: boolean) => void;
  setSelected: (ids: string[]) => void;
  clearSelected: () => void;
}

export const createBenchUiSlice: StateCreator<Store, [], [], BenchUiSlice> = (set, get) => ({
  benchFilter: defaultFilter,
  selected: {},
  expanded: {},
  toggleExpanded: (id) => {
    const next = { ...get().expanded };
    if (next[id]) delete next[id];
    else next[id] = true;
    set({ expanded: next });
  },
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
export const selectExpanded = (s: Store): Record<string, true> => s.expanded;
export const selectIsSelected =
  (id: string) =>
  (s: Store): boolean =>
    s.selected[id] === true;
export const selectIsExpanded =
  (id: string) =>
  (s: Store): boolean =>
    s.expanded[id] === true;
export const selectBenchStateFilter = (s: Store): StateFilter => s.benchFilter.state;
