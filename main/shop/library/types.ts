import type { SaveResult } from '../../profiles/store.js';

/** Why a profile save was refused: the shop has a newer version than the one edited. */
export interface ProfileConflict {
  profileId: string;
  /** The shared version the refused edit started from (0: a new profile). */
  baseVersion: number;
  current: { version: number; hash: string; author: string; stationId: string; savedAt: string };
  /** Where the refused text is kept on this station (null: it is the local file itself). */
  refusedId: number | null;
  /** Unified diff from the shop's current version to the refused text. */
  diff: string;
  message: string;
}

/** What the shop did with a save that the station accepted. */
export type ShopSaveNote =
  { state: 'shared'; version: number } | { state: 'pending'; message: string };

export type SharedSaveResult =
  | (Extract<SaveResult, { ok: true }> & { shop?: ShopSaveNote })
  | Extract<SaveResult, { ok: false }>
  | { ok: false; code: 'conflict'; message: string; conflict: ProfileConflict };

export type LibraryKind = 'app' | 'driver' | 'media';

/** One file of a shared item, by content; `rel` is where it goes under the item. */
export interface LibraryFile {
  rel: string;
  sha256: string;
  size: number;
}

export interface ShopLibraryStatus {
  enabled: boolean;
  connected: boolean;
  lastError: string | null;
  lastSyncAt: string | null;
  /** Problems a technician must fix (the shop key), with how. */
  keyProblem: string | null;
  profiles: {
    pending: string[];
    conflicts: { id: string; note: string | null }[];
  };
  fetches: {
    /** Files this station downloaded from others, verified and stored. */
    received: number;
    /** Downloads refused on arrival (sha256 or size wrong); nothing stored. */
    refused: number;
    /** Files this station served to others. */
    served: number;
    /** Requests for files refused for lack of a valid shop grant. */
    denied: number;
    lastRefusal: string | null;
  };
}

/** What the station's routes and composition root see of the shop libraries. */
export interface ShopLibraryApi {
  saveProfile(
    id: string,
    text: string,
    author: string,
    baseHash: string | undefined,
  ): Promise<SharedSaveResult>;
  status(): ShopLibraryStatus;
}
