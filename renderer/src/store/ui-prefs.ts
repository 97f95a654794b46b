import type { StateCreator } from 'zustand';
import { setTechnician } from '../api/client';
import type { Store } from './index';

export type Theme = 'system' | 'light' | 'dark';
export type Density = 'compact' | 'comfortable';

/** Choices made once per browser (or desktop app) and kept in localStorage. */
export interface UiPrefs {
  theme: Theme;
  largeText: boolean;
  /** Compact rows (default) fit 15+ machines at 1280x720; comfortable is the old 2-line row. */
  density: Density;
  /** The batch panel folded to one line. */
  batchesHidden: boolean;
  /** The "no bench network / DHCP off" banner dismissed on the Bench. */
  dhcpBannerHidden: boolean;
  /** Who works at this browser: the author of every action sent from it. */
  technician: string | null;
}

export interface UiPrefsSlice extends UiPrefs {
  setTheme: (t: Theme) => void;
  setLargeText: (on: boolean) => void;
  setPrefs: (patch: Partial<UiPrefs>) => void;
}

const defaults: UiPrefs = {
  theme: 'system',
  largeText: false,
  density: 'compact',
  batchesHidden: false,
  dhcpBannerHidden: false,
  technician: null,
};

const saved = (): Partial<UiPrefs> => {
  try {
    return JSON.parse(localStorage.getItem('prepstation.prefs') ?? '{}') as Partial<UiPrefs>;
  } catch {
    return {};
  }
};

const persist = (p: UiPrefs): void => {
  try {
    localStorage.setItem('prepstation.prefs', JSON.stringify(p));
  } catch {
    // Private windows may refuse storage; the choice then lasts for this visit.
  }
};

const prefsOf = (s: UiPrefs): UiPrefs => ({
  theme: s.theme,
  largeText: s.largeText,
  density: s.density,
  batchesHidden: s.batchesHidden,
  dhcpBannerHidden: s.dhcpBannerHidden,
  technician: s.technician,
});

export const createUiPrefsSlice: StateCreator<Store, [], [], UiPrefsSlice> = (set, get) => {
  const initial = { ...defaults, ...saved() };
  setTechnician(initial.technician);
  return {
    ...initial,
    setTheme: (theme) => get().setPrefs({ theme }),
    setLargeText: (largeText) => get().setPrefs({ largeText }),
    setPrefs: (patch) => {
      set(patch);
      if ('technician' in patch) setTechnician(patch.technician ?? null);
      persist(prefsOf({ ...prefsOf(get()), ...patch }));
    },
  };
};

export const selectTechnician = (s: Store): string | null => s.technician;
export const selectTheme = (s: Store): Theme => s.theme;
export const selectLargeText = (s: Store): boolean => s.largeText;
export const selectDensity = (s: Store): Density => s.density;
export const selectBatchesHidden = (s: Store): boolean => s.batchesHidden;
