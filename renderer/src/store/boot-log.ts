import type { StateCreator } from 'zustand';
import type { BootLogEvent, StationEvent } from '../../../main/api/contract';
import type { Store } from './index';

/** Enough to follow a few PCs booting; older lines fall off (the station log keeps all). */
export const BOOT_LOG_LIMIT = 2000;

export interface BootLogSlice {
  /** Oldest first. */
  bootLog: BootLogEvent[];
  clearBootLog: () => void;
  applyBootEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

export const createBootLogSlice: StateCreator<Store, [], [], BootLogSlice> = (set, get) => ({
  bootLog: [],
  clearBootLog: () => set({ bootLog: [] }),
  applyBootEvents: (batch) => {
    const added = batch.filter((e): e is BootLogEvent => e.type === 'boot');
    if (added.length === 0) return null;
    const next = get().bootLog.concat(added);
    return { bootLog: next.length > BOOT_LOG_LIMIT ? next.slice(-BOOT_LOG_LIMIT) : next };
  },
});

export const selectBootLog = (s: Store): BootLogEvent[] => s.bootLog;
/** The newest line's sequence number (0 before any): changes when a line arrives. */
export const selectNewestBootSeq = (s: Store): number => s.bootLog.at(-1)?.seq ?? 0;
