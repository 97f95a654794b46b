import type { StateCreator } from 'zustand';
import type { StationEvent } from '../../../main/api/contract';
import type { MediaImportStatus, MediaRecord } from '../../../main/api/media';
import type { Store } from './index';

/** The media library and the imports in flight (events `media`, `media-import`). */
export interface MediaSlice {
  media: MediaRecord[] | null;
  mediaImports: Record<string, MediaImportStatus>;
  setMedia: (list: MediaRecord[]) => void;
  setMediaImport: (s: MediaImportStatus) => void;
  applyMediaEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

export const createMediaSlice: StateCreator<Store, [], [], MediaSlice> = (set, get) => ({
  media: null,
  mediaImports: {},
  setMedia: (list) => set({ media: list }),
  // The upload's answer can arrive after the import's first events: never go back.
  setMediaImport: (s) => {
    if (!get().mediaImports[s.importId])
      set({ mediaImports: { ...get().mediaImports, [s.importId]: s } });
  },
  applyMediaEvents: (batch) => {
    let media = get().media;
    let imports = get().mediaImports;
    let changed = false;
    for (const e of batch) {
      if (e.type === 'media-import') {
        imports = { ...imports, [e.import.importId]: e.import };
        changed = true;
      } else if (e.type === 'media' && media) {
        const rest = media.filter((m) => m.id !== e.id);
        media = e.media ? [...rest, e.media].sort((a, b) => a.id.localeCompare(b.id)) : rest;
        changed = true;
      }
    }
    return changed ? { media, mediaImports: imports } : null;
  },
});

export const selectMedia = (s: Store): MediaRecord[] | null => s.media;
export const selectMediaImports = (s: Store): Record<string, MediaImportStatus> => s.mediaImports;
