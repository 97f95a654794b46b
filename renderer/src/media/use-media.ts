import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MediaImportStatus, MediaRecord, WimbootStatus } from '../../../main/api/media';
import { api } from '../api/client';
import { useStore } from '../store';
import { selectMedia, selectMediaImports } from '../store/media';
import { uploadIso, type UploadProgress } from './upload';

/**
 * The media library (into the store, which the stream then keeps current) and wimboot's
 * verdict, asked again when the media change (24H2 needs wimboot 2.9.0).
 */
export function useMediaLibrary(onError: (message: string) => void) {
  const media = useStore(selectMedia);
  const [wimboot, setWimboot] = useState<WimbootStatus | null>(null);
  const load = useCallback(async () => {
    const [list, wb] = await Promise.all([
      api<MediaRecord[]>('/api/v1/media'),
      api<WimbootStatus>('/api/v1/wimboot'),
    ]);
    if (list.ok) useStore.getState().setMedia(list.value);
    else onError(list.error.message);
    if (wb.ok) setWimboot(wb.value);
  }, [onError]);
  useEffect(() => {
    void load();
  }, [load]);
  const count = media?.length ?? 0;
  useEffect(() => {
    void api<WimbootStatus>('/api/v1/wimboot').then((r) => r.ok && setWimboot(r.value));
  }, [count]);
  return { media, wimboot };
}

/**
 * One ISO import: the upload's progress here, then the station's import (its events in
 * the store) until done or failed.
 */
export function useMediaImport(onError: (message: string | null) => void) {
  const imports = useStore(useShallow(selectMediaImports));
  const [upload, setUpload] = useState<(UploadProgress & { name: string }) | null>(null);
  const [importId, setImportId] = useState<string | null>(null);

  const start = async (file: File, id: string) => {
    onError(null);
    setImportId(null);
    setUpload({ name: file.name, loaded: 0, total: file.size, etaSeconds: null });
    const { done } = uploadIso(file, id, (p) => setUpload({ name: file.name, ...p }));
    const r = await done;
    setUpload(null);
    if (!r.ok) {
      onError(r.error.message);
      return;
    }
    useStore.getState().setMediaImport(r.value);
    setImportId(r.value.importId);
  };
  const current: MediaImportStatus | undefined = importId ? imports[importId] : undefined;
  return { upload, current, busy: upload !== null || current?.state === 'running', start };
}
