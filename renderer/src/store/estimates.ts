import type { StateCreator } from 'zustand';
import type { RunEstimates, StationEvent } from '../../../main/api/contract';
import { api } from '../api/client';
import type { Store } from './index';

/** Typical step durations from past runs; reloaded a little after a machine finishes. */
export interface EstimatesSlice {
  estimates: RunEstimates | null;
  loadEstimates: () => Promise<void>;
  applyEstimateEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

let reload: ReturnType<typeof setTimeout> | null = null;

export const createEstimatesSlice: StateCreator<Store, [], [], EstimatesSlice> = (set, get) => ({
  estimates: null,
  loadEstimates: async () => {
    const r = await api<RunEstimates>('/api/v1/estimates');
    if (r.ok) set({ estimates: r.value });
  },
  applyEstimateEvents: (batch) => {
    const finished = batch.some(
      (e) =>
        e.type === 'machine-step' && (e.step.status === 'succeeded' || e.step.status === 'failed'),
    );
    if (!finished || reload) return null;
    // The station caches its figures for a few seconds; one reload per burst is enough.
    reload = setTimeout(() => {
      reload = null;
      void get().loadEstimates();
    }, 5000);
    return null;
  },
});

export const selectEstimates = (s: Store): RunEstimates | null => s.estimates;
