import type { StateCreator } from 'zustand';
import type { Store } from './index';

export type Theme = 'system' | 'light' | 'dark';

export interface UiPrefsSlice {
  theme: Theme;
  largeText: boolean;
  setTheme: (t: Theme) => void;
  setLargeText: (on: boolean) => void;
}

const saved = (): { theme?: Theme; largeText?: boolean } => {
  try {
    return JSON.parse(localStorage.getItem('prepstation.prefs') ?? '{}') as {
      theme?: Theme;
      largeText?: boolean;
    };
  } catch {
    return {};
  }
};

const persist = (p: { theme: Theme; largeText: boolean }): void => {
  try {
    localStorage.setItem('prepstation.prefs', JSON.stringify(p));
  } catch {
    // Private windows may refuse storage; the choice then lasts for this visit.
  }
};

export const createUiPrefsSlice: StateCreator<Store, [], [], UiPrefsSlice> = (set, get) => ({
  theme: saved().theme ?? 'system',
  largeText: saved().largeText ?? false,
  setTheme: (theme) => {
    set({ theme });
    persist({ theme, largeText: get().largeText });
  },
  setLargeText: (largeText) => {
    set({ largeText });
    persist({ theme: get().theme, largeText });
  },
});
