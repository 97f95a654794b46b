import type { StateCreator } from 'zustand';
import type { ServiceStatus, StationEvent } from '../../../main/api/contract';
import type { Store } from './index';

export interface ServicesSlice {
  services: Record<string, ServiceStatus>;
  setServices: (list: ServiceStatus[]) => void;
  /** Applies the `service` events of one batch. */
  applyServiceEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

export const createServicesSlice: StateCreator<Store, [], [], ServicesSlice> = (set, get) => ({
  services: {},
  setServices: (list) => set({ services: Object.fromEntries(list.map((s) => [s.name, s])) }),
  applyServiceEvents: (batch) => {
    let next: Record<string, ServiceStatus> | null = null;
    for (const e of batch) {
      if (e.type !== 'service') continue;
      next ??= { ...get().services };
      next[e.service.name] = e.service;
    }
    return next ? { services: next } : null;
  },
});

const order = ['ui', 'bench-http', 'dhcp', 'proxydhcp', 'tftp'];
export const selectServiceList = (s: Store): ServiceStatus[] =>
  Object.values(s.services).sort(
    (a, b) =>
      (order.indexOf(a.name) + 1 || 99) - (order.indexOf(b.name) + 1 || 99) ||
      a.name.localeCompare(b.name),
  );
export const selectFailedServiceCount = (s: Store): number =>
  Object.values(s.services).filter((x) => x.state === 'failed').length;
