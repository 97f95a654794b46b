import { beforeEach, describe, expect, it } from 'vitest';
import type { MachineSummary, StationEvent } from '../../../../main/api/contract.js';
import type {
  ShopEvent,
  ShopMachine,
  ShopStation,
  ShopStatus,
} from '../../../../main/shop/view/contract.js';
import { useStore } from '../../../../renderer/src/store/index.js';
import {
  selectShopAttentionCount,
  selectShopMachineList,
  selectShopStationList,
  shopKey,
} from '../../../../renderer/src/shop/shop-slice.js';

const status: ShopStatus = {
  mode: 'shop-only',
  connected: true,
  lostAt: null,
  error: null,
  database: 'postgres://u:***@db/shop',
};
const station = (id: string, name: string, over: Partial<ShopStation> = {}): ShopStation => ({
  id,
  name,
  bench: null,
  backlog: 0,
  lastSeq: 0,
  lastSeen: '2026-12-03T10:00:00.000Z',
  online: true,
  problem: null,
  ...over,
});
const machine = (
  stationId: string,
  machineId: string,
  state: MachineSummary['state'],
  updatedSeq: number,
): ShopMachine => ({
  stationId,
  stationName: stationId.toUpperCase(),
  bench: null,
  machineId,
  state,
  summary: { id: machineId, state } as MachineSummary,
  updatedSeq,
});
let seq = 0;
const shopEvent = (e: Partial<ShopEvent>): StationEvent =>
  ({
    seq: ++seq,
    at: '2026-12-03T10:00:00.000Z',
    type: 'shop',
    status,
    stations: [],
    machines: [],
    removed: [],
    reload: false,
    ...e,
  }) as unknown as StationEvent;

/** The shop slice's applier: one batch from the stream in, the shop's state out. */
describe('shop slice', () => {
  beforeEach(() => {
    useStore.getState().setShopSnapshot({
      status,
      stations: [station('a', 'Bench A'), station('b', 'Bench B')],
      machines: [machine('a', 'm1', 'provisioning', 10), machine('b', 'm1', 'discovered', 3)],
    });
  });

  it('keeps machines of two stations with the same id apart', () => {
    const list = selectShopMachineList(useStore.getState());
    expect(list.map((m) => shopKey(m.stationId, m.machineId)).sort()).toEqual(['a/m1', 'b/m1']);
  });

  it('replaces rows and stations, drops forgotten machines, in one batch', () => {
    useStore.getState().applyEvents([
      shopEvent({ machines: [machine('a', 'm1', 'done', 12)] }),
      shopEvent({
        stations: [station('b', 'Bench B', { online: false, backlog: 7 })],
        machines: [machine('b', 'm2', 'failed', 5)],
        removed: [{ stationId: 'b', machineId: 'm1' }],
      }),
    ]);
    const s = useStore.getState();
    expect(s.shopMachines['a/m1']?.state).toBe('done');
    expect(s.shopMachines['b/m1']).toBeUndefined();
    expect(selectShopAttentionCount(s)).toBe(1);
    expect(selectShopStationList(s).map((x) => [x.name, x.online, x.backlog])).toEqual([
      ['Bench A', true, 0],
      ['Bench B', false, 7],
    ]);
  });

  it('never lets an older row overwrite a newer one', () => {
    useStore.getState().applyEvents([shopEvent({ machines: [machine('a', 'm1', 'booting', 4)] })]);
    expect(useStore.getState().shopMachines['a/m1']?.state).toBe('provisioning');
  });

  it('counts reloads and keeps the database status', () => {
    const before = useStore.getState().shopReloads;
    const lost: ShopStatus = { ...status, connected: false, error: 'refused', lostAt: 'x' };
    useStore.getState().applyEvents([shopEvent({ status: lost }), shopEvent({ reload: true })]);
    expect(useStore.getState().shopReloads).toBe(before + 1);
    expect(useStore.getState().shopStatus?.connected).toBe(true);
    useStore.getState().applyEvents([shopEvent({ status: lost })]);
    expect(useStore.getState().shopStatus?.error).toBe('refused');
  });
});
