import type { StateCreator } from 'zustand';
import { fetchProfiles } from '../api/profiles';
import type { ProfileSummary, StationEvent } from '../../../main/api/contract';
import type { Store } from './index';
import type { LoadState } from './machines';

export interface ProfilesSlice {
  profiles: ProfileSummary[];
  profilesLoad: LoadState;
  profilesError: string | null;
  loadProfiles: () => Promise<void>;
  /** A `profile` event (saved, edited outside, broken, removed) reloads the list once. */
  applyProfileEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

let reload: ReturnType<typeof setTimeout> | null = null;

export const createProfilesSlice: StateCreator<Store, [], [], ProfilesSlice> = (set, get) => ({
  profiles: [],
  profilesLoad: 'idle',
  profilesError: null,
  loadProfiles: async () => {
    set({ profilesLoad: 'loading' });
    const r = await fetchProfiles();
    if (r.ok) set({ profiles: r.value, profilesLoad: 'loaded', profilesError: null });
    else set({ profilesLoad: 'error', profilesError: r.error.message });
  },
  applyProfileEvents: (batch) => {
    if (!batch.some((e) => e.type === 'profile')) return null;
    // Several files change at once when a base changes: one reload for all of them.
    if (reload) clearTimeout(reload);
    reload = setTimeout(() => {
      reload = null;
      void get().loadProfiles();
    }, 200);
    return null;
  },
});

export const selectProfiles = (s: Store): ProfileSummary[] => s.profiles;
/** Profiles a machine can be assigned to: valid customer profiles (bases are templates). */
export const selectAssignableProfiles = (s: Store): ProfileSummary[] =>
  s.profiles.filter((p) => !p.abstract && p.ok);
export const selectProfilesLoad = (s: Store): LoadState => s.profilesLoad;
export const selectProfilesError = (s: Store): string | null => s.profilesError;
export const selectProfileSummary =
  (id: string) =>
  (s: Store): ProfileSummary | undefined =>
    s.profiles.find((p) => p.id === id);
/** Valid base profiles a new profile can extend (a new array: read it with useShallow). */
export const selectBaseProfiles = (s: Store): ProfileSummary[] =>
  s.profiles.filter((p) => p.abstract && p.ok);
