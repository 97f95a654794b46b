import { create } from 'zustand';
import type { StationEvent } from '../../../main/api/contract';
import { createServicesSlice, type ServicesSlice } from './services';
import { createSessionSlice, type SessionSlice } from './session';
import { createUiPrefsSlice, type UiPrefsSlice } from './ui-prefs';

export interface EventsSlice {
  /** Applies one batch from the event stream: every slice takes its part, one set() in all. */
  applyEvents: (batch: StationEvent[]) => void;
}

export type Store = SessionSlice & ServicesSlice & UiPrefsSlice & EventsSlice;

/** Slices contribute a patch per batch; add a new slice's applier here. */
export const useStore = create<Store>()((...a) => {
  const [set, get] = a;
  return {
    ...createSessionSlice(...a),
    ...createServicesSlice(...a),
    ...createUiPrefsSlice(...a),
    applyEvents: (batch) => {
      const s = get();
      const patch = { ...s.applyServiceEvents(batch) };
      if (Object.keys(patch).length > 0) set(patch);
    },
  };
});
