import type { StateCreator } from 'zustand';
import type { StationEvent } from '../../../main/api/contract.js';
import type {
  ShopMachine,
  ShopSnapshot,
  ShopStation,
  ShopStatus,
} from '../../../main/shop/view/contract.js';
import type { Store } from '../store/index.js';

/** off: this UI has no shop view; station: a station with --shop-view; shop-only: `shop serve`. */
export type ShopMode = 'off' | ShopStatus['mode'];

export interface ShopSlice {
  shopMode: ShopMode;
  shopStatus: ShopStatus | null;
  shopStations: Record<string, ShopStation>;
  /** Keyed by shopKey(stationId, machineId): machine ids are a station's own. */
  shopMachines: Record<string, ShopMachine>;
  shopLoad: 'idle' | 'loading' | 'ok' | 'error';
  shopError: string | null;
  /** Counts up when the view says events were missed: the page fetches the snapshot again. */
  shopReloads: number;
  setShopMode: (mode: ShopMode) => void;
  setShopSnapshot: (s: ShopSnapshot) => void;
  setShopLoad: (load: ShopSlice['shopLoad'], error?: string | null) => void;
  /** Applies the `shop` events of one batch. */
  applyShopEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

export const shopKey = (stationId: string, machineId: string): string =>
  `${stationId}/${machineId}`;

export const createShopSlice: StateCreator<Store, [], [], ShopSlice> = (set, get) => ({
  shopMode: 'off',
  shopStatus: null,
  shopStations: {},
  shopMachines: {},
  shopLoad: 'idle',
  shopError: null,
  shopReloads: 0,
  setShopMode: (shopMode) => set({ shopMode }),
  setShopSnapshot: (s) =>
    set({
      shopStatus: s.status,
      shopStations: Object.fromEntries(s.stations.map((x) => [x.id, x])),
      shopMachines: Object.fromEntries(
        s.machines.map((m) => [shopKey(m.stationId, m.machineId), m]),
      ),
      shopLoad: 'ok',
      shopError: null,
    }),
  setShopLoad: (shopLoad, shopError = null) => set({ shopLoad, shopError }),
  applyShopEvents: (batch) => {
    let stations: Record<string, ShopStation> | null = null;
    let machines: Record<string, ShopMachine> | null = null;
    let status: ShopStatus | null = null;
    let reloads = 0;
    for (const e of batch) {
      if (e.type !== 'shop') continue;
      status = e.status;
      if (e.reload) reloads++;
      if (e.stations.length) {
        stations ??= { ...get().shopStations };
        for (const s of e.stations) stations[s.id] = s;
      }
      if (e.machines.length || e.removed.length) {
        machines ??= { ...get().shopMachines };
        for (const m of e.machines) {
          const k = shopKey(m.stationId, m.machineId);
          // Chunks of one station arrive in order, but a reload's snapshot may be newer.
          if ((machines[k]?.updatedSeq ?? -1) <= m.updatedSeq) machines[k] = m;
        }
        for (const r of e.removed) delete machines[shopKey(r.stationId, r.machineId)];
      }
    }
    if (!status) return null;
    return {
      shopStatus: status,
      ...(stations ? { shopStations: stations } : {}),
      ...(machines ? { shopMachines: machines } : {}),
      ...(reloads ? { shopReloads: get().shopReloads + reloads } : {}),
    };
  },
});

export const selectShopMode = (s: Store): ShopMode => s.shopMode;
export const selectShopStatus = (s: Store): ShopStatus | null => s.shopStatus;
export const selectShopLoad = (s: Store) => ({ load: s.shopLoad, error: s.shopError });
export const selectShopReloads = (s: Store): number => s.shopReloads;
export const selectShopStationList = (s: Store): ShopStation[] =>
  Object.values(s.shopStations).sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
export const selectShopMachineList = (s: Store): ShopMachine[] => Object.values(s.shopMachines);
/** Failed or stalled machines anywhere in the shop (the nav's count). */
export const selectShopAttentionCount = (s: Store): number =>
  Object.values(s.shopMachines).filter((m) => m.state === 'failed' || m.state === 'stalled').length;
