import type { StateCreator } from 'zustand';
import { fetchProfiles } from '../api/profiles';
import type { ProfileListItem } from '../api/types';
import type { Store } from './index';
import type { LoadState } from './machines';

export interface ProfilesSlice {
  profiles: ProfileListItem[];
  profilesLoad: LoadState;
  profilesError: string | null;
  loadProfiles: () => Promise<void>;
}

export const createProfilesSlice: StateCreator<Store, [], [], ProfilesSlice> = (set) => ({
  profiles: [],
  profilesLoad: 'idle',
  profilesError: null,
  loadProfiles: async () => {
    set({ profilesLoad: 'loading' });
    const r = await fetchProfiles();
    if (r.ok) set({ profiles: r.value, profilesLoad: 'loaded', profilesError: null });
    else set({ profilesLoad: 'error', profilesError: r.error.message });
  },
});

export const selectProfiles = (s: Store): ProfileListItem[] => s.profiles;
/** Profiles a machine can be assigned to: valid customer profiles (bases are templates). */
export const selectAssignableProfiles = (s: Store): ProfileListItem[] =>
  s.profiles.filter((p) => !p.base && !(p.errors && p.errors.length > 0));
