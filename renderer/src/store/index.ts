import { create } from 'zustand';
import type { StationEvent } from '../../../main/api/contract';
import { createBenchUiSlice, type BenchUiSlice } from './bench-ui';
import { createBootLogSlice, type BootLogSlice } from './boot-log';
import { createMachineDetailSlice, type MachineDetailSlice } from './machine-detail';
import { createMachinesSlice, type MachinesSlice } from './machines';
import { createMediaSlice, type MediaSlice } from './media';
import { createNetworkSlice, type NetworkSlice } from './network';
import { createEstimatesSlice, type EstimatesSlice } from './estimates';
import { createProfilesSlice, type ProfilesSlice } from './profiles';
import { createReadinessSlice, type ReadinessSlice } from './readiness';
import { createServicesSlice, type ServicesSlice } from './services';
import { createSessionSlice, type SessionSlice } from './session';
import { createShopSlice, type ShopSlice } from '../shop/shop-slice.js';
import { createTerminalSlice, type TerminalSlice } from './terminal';
import { createUiPrefsSlice, type UiPrefsSlice } from './ui-prefs';

export interface EventsSlice {
  /** Applies one batch from the event stream: every slice takes its part, one set() in all. */
  applyEvents: (batch: StationEvent[]) => void;
}

export type Store = SessionSlice &
  ServicesSlice &
  UiPrefsSlice &
  MachinesSlice &
  MachineDetailSlice &
  BootLogSlice &
  NetworkSlice &
  ProfilesSlice &
  ReadinessSlice &
  EstimatesSlice &
  BenchUiSlice &
  TerminalSlice &
  MediaSlice &
  ShopSlice &
  EventsSlice;

/** Slices contribute a patch per batch; add a new slice's applier here. */
export const useStore = create<Store>()((...a) => {
  const [set, get] = a;
  return {
    ...createSessionSlice(...a),
    ...createServicesSlice(...a),
    ...createUiPrefsSlice(...a),
    ...createMachinesSlice(...a),
    ...createMachineDetailSlice(...a),
    ...createBootLogSlice(...a),
    ...createNetworkSlice(...a),
    ...createProfilesSlice(...a),
    ...createReadinessSlice(...a),
    ...createEstimatesSlice(...a),
    ...createBenchUiSlice(...a),
    ...createTerminalSlice(...a),
    ...createMediaSlice(...a),
    ...createShopSlice(...a),
    applyEvents: (batch) => {
      const s = get();
      const patch = {
        ...s.applyServiceEvents(batch),
        ...s.applyMachineEvents(batch),
        ...s.applyDetailEvents(batch),
        ...s.applyBootEvents(batch),
        ...s.applyMediaEvents(batch),
        ...s.applyProfileEvents(batch),
        ...s.applyReadinessEvents(batch),
        ...s.applyEstimateEvents(batch),
        ...s.applyShopEvents(batch),
      };
      if (Object.keys(patch).length > 0) set(patch);
    },
  };
});

// Benchmarks and tests read the store from the page (scripts/bench/ui-*); harmless otherwise.
(globalThis as { __prepstationStore?: typeof useStore }).__prepstationStore = useStore;
