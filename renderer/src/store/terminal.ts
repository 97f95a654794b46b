import type { StateCreator } from 'zustand';
import type { TerminalKind } from '../../../main/api/contract';
import type { Store } from './index';

export type TerminalTabState =
  'needs-user' | 'opening' | 'open' | 'reconnecting' | 'ended' | 'failed';

/**
 * One tab of the Terminal screen. Only what the tab strip shows lives here: the output goes
 * from the socket straight into xterm (renderer/src/terminal/connection.ts), never into
 * the store, so a flood of output never re-renders React.
 */
export interface TerminalTab {
  /** The renderer's own id (a tab exists before its station session does). */
  id: string;
  kind: TerminalKind;
  title: string;
  machineId: string | null;
  sessionId: string | null;
  state: TerminalTabState;
  /** Why it failed or how it ended, in words. */
  message: string | null;
}

export interface TerminalSlice {
  terminalTabs: TerminalTab[];
  activeTerminal: string | null;
  addTerminalTab: (tab: TerminalTab) => void;
  updateTerminalTab: (id: string, patch: Partial<TerminalTab>) => void;
  removeTerminalTab: (id: string) => void;
  setActiveTerminal: (id: string | null) => void;
}

export const createTerminalSlice: StateCreator<Store, [], [], TerminalSlice> = (set, get) => ({
  terminalTabs: [],
  activeTerminal: null,
  addTerminalTab: (tab) =>
    set({ terminalTabs: [...get().terminalTabs, tab], activeTerminal: tab.id }),
  updateTerminalTab: (id, patch) =>
    set({ terminalTabs: get().terminalTabs.map((t) => (t.id === id ? { ...t, ...patch } : t)) }),
  removeTerminalTab: (id) => {
    const tabs = get().terminalTabs;
    const i = tabs.findIndex((t) => t.id === id);
    const rest = tabs.filter((t) => t.id !== id);
    const active = get().activeTerminal;
    const next = active === id ? (rest[Math.min(i, rest.length - 1)]?.id ?? null) : active;
    set({ terminalTabs: rest, activeTerminal: next });
  },
  setActiveTerminal: (activeTerminal) => set({ activeTerminal }),
});

export const selectTerminalTabs = (s: Store): TerminalTab[] => s.terminalTabs;
export const selectActiveTerminal = (s: Store): string | null => s.activeTerminal;
export const selectOpenTerminalCount = (s: Store): number =>
  s.terminalTabs.filter((t) => t.state === 'open' || t.state === 'reconnecting').length;
