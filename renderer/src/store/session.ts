import type { StateCreator } from 'zustand';
import type { Store } from './index';

export type AuthState = 'checking' | 'needs-token' | 'ok';
export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface SessionSlice {
  auth: AuthState;
  version: string | null;
  stream: StreamState;
  setAuth: (auth: AuthState) => void;
  setVersion: (v: string) => void;
  setStream: (s: StreamState) => void;
}

export const createSessionSlice: StateCreator<Store, [], [], SessionSlice> = (set) => ({
  auth: 'checking',
  version: null,
  stream: 'connecting',
  setAuth: (auth) => set({ auth }),
  setVersion: (version) => set({ version }),
  setStream: (stream) => set({ stream }),
});

export const selectAuth = (s: Store): AuthState => s.auth;
export const selectStream = (s: Store): StreamState => s.stream;
export const selectVersion = (s: Store): string | null => s.version;
