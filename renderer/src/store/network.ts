import type { StateCreator } from 'zustand';
import type { NetworkSettings } from '../api/types';
import type { Store } from './index';

export interface NetworkSlice {
  /** The bench network choice; null until loaded. */
  network: NetworkSettings | null;
  /** The technician chose "not now" on the first-run setup (this visit only). */
  setupDismissed: boolean;
  setNetwork: (n: NetworkSettings) => void;
  dismissSetup: () => void;
}

export const createNetworkSlice: StateCreator<Store, [], [], NetworkSlice> = (set) => ({
  network: null,
  setupDismissed: false,
  setNetwork: (network) => set({ network }),
  dismissSetup: () => set({ setupDismissed: true }),
});

export const selectNetwork = (s: Store): NetworkSettings | null => s.network;
/** No bench network chosen yet: nothing answers PXE, and the first-run setup is due. */
export const selectNeedsSetup = (s: Store): boolean =>
  s.network !== null && !s.network.benchInterface;
/** The DHCP service says another DHCP server answers on the bench. */
export const selectOtherDhcpWarning = (s: Store): string | null => {
  for (const name of ['dhcp', 'proxydhcp']) {
    const e = s.services[name]?.error;
    if (e && /another dhcp|other dhcp|dhcp server .*answer/i.test(e)) return e;
  }
  return null;
};
export const selectSetupDismissed = (s: Store): boolean => s.setupDismissed;
export const selectDhcpOff = (s: Store): boolean => s.network?.dhcpMode === 'off';
/**
 * The "no bench network / DHCP off" banner stays away when dismissed, and while PCs boot:
 * they prove the bench answers (e.g. another server boots them).
 */
export const selectDhcpBannerHidden = (s: Store): boolean =>
  s.dhcpBannerHidden ||
  Object.values(s.machines).some((m) => m.state === 'booting' || m.state === 'installing-os');
