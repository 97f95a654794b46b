/**
 * The contract between the media library (import, storage, listing: issue "Windows media
 * library") and its users (profile checks, the WinPE renderers, the boot script, reports).
 * Paths are relative to the station files dir and served at `/files/<path>`.
 */

import type { MediaEdition, MediaRecord } from '../api/media.js';

// The shapes are zod schemas in api/media.ts (the UI API's contract); their types here.
export type {
  ImageKind,
  MediaEdition,
  MediaImage,
  MediaImportStatus,
  MediaRecord,
  WinpeTools,
} from '../api/media.js';

/** Read side used by renderers, checks and reports. */
export interface MediaLookup {
  get(id: string): MediaRecord | null;
  list(): MediaRecord[];
}

/** An edition by EDITIONID or NAME, case-insensitive; null when the medium lacks it. */
export function findEdition(media: MediaRecord, wanted: string): MediaEdition | null {
  const w = wanted.trim().toLowerCase();
  return (
    media.editions.find((e) => e.editionId.toLowerCase() === w) ??
    media.editions.find((e) => e.name.toLowerCase() === w) ??
    null
  );
}

/** Windows 11 24H2 (build 26100) and later boot only with wimboot >= 2.9.0. */
export const WIMBOOT_MIN_FOR_24H2 = '2.9.0';
export const BUILD_24H2 = 26100;
