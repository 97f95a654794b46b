import type { StateCreator } from 'zustand';
import type { ProfileReadiness, StationEvent } from '../../../main/api/contract';
import { fetchReadiness } from '../api/secrets';
import type { Store } from './index';

/**
 * Whether each customer profile can be deployed now (its secrets, packages and medium are
 * on the station). Reloaded when a profile or an app package changes, and after a secret
 * is set or deleted on this screen.
 */
export interface ReadinessSlice {
  readiness: Record<string, ProfileReadiness>;
  readinessLoaded: boolean;
  loadReadiness: () => Promise<void>;
  applyReadinessEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

let reload: ReturnType<typeof setTimeout> | null = null;

export const createReadinessSlice: StateCreator<Store, [], [], ReadinessSlice> = (set, get) => ({
  readiness: {},
  readinessLoaded: false,
  loadReadiness: async () => {
    const r = await fetchReadiness();
    if (r.ok) {
      set({
        readiness: Object.fromEntries(r.value.map((x) => [x.id, x])),
        readinessLoaded: true,
      });
    }
  },
  applyReadinessEvents: (batch) => {
    if (!batch.some((e) => e.type === 'profile' || e.type === 'app-package')) return null;
    if (reload) clearTimeout(reload);
    reload = setTimeout(() => {
      reload = null;
      void get().loadReadiness();
    }, 200);
    return null;
  },
});

/** null while not known (not loaded, or a profile the station does not list). */
export const selectReadinessOf =
  (id: string) =>
  (s: Store): ProfileReadiness | null =>
    s.readiness[id] ?? null;

/** Secret names that some customer profile needs and nobody set (the nav shows how many). */
export const selectMissingSecretCount = (s: Store): number => {
  const names = new Set<string>();
  for (const r of Object.values(s.readiness)) {
    for (const p of r.problems) if (p.kind === 'secret') names.add(p.name);
  }
  return names.size;
};

export const selectReadiness = (s: Store): Record<string, ProfileReadiness> => s.readiness;
export const selectReadinessLoaded = (s: Store): boolean => s.readinessLoaded;
