import type { StateCreator } from 'zustand';
import type { Store } from './index';

export type AuthState = 'checking' | 'needs-token' | 'ok';
export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface SessionSlice {
  auth: AuthState;
  version: string | null;
  stream: StreamState;
  /** When the stream was lost (ms), while it is; the screens' clocks stop there. */
  streamLostAt: number | null;
  setAuth: (auth: AuthState) => void;
  setVersion: (v: string) => void;
  setStream: (s: StreamState) => void;
}

export const createSessionSlice: StateCreator<Store, [], [], SessionSlice> = (set) => ({
  auth: 'checking',
  version: null,
  stream: 'connecting',
  streamLostAt: null,
  setAuth: (auth) => set({ auth }),
  setVersion: (version) => set({ version }),
  setStream: (stream) =>
    set((s) => ({
      stream,
      streamLostAt:
        stream === 'reconnecting'
          ? (s.streamLostAt ?? Date.now())
          : stream === 'live'
            ? null
            : s.streamLostAt,
    })),
});

export const selectAuth = (s: Store): AuthState => s.auth;
export const selectStream = (s: Store): StreamState => s.stream;
export const selectVersion = (s: Store): string | null => s.version;
/** When the stream was lost (ms), while it is; screens' clocks stop there. */
export const selectStreamLostAt = (s: Store): number | null => s.streamLostAt;
