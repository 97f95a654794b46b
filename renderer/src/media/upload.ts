import type { ApiError, Result } from '../../../main/api/contract';
import type { MediaImportStatus } from '../../../main/api/media';

export interface UploadProgress {
  loaded: number;
  total: number;
  etaSeconds: number | null;
}

/**
 * Sends an ISO as the raw request body. XMLHttpRequest, not fetch: only it reports upload
 * progress, which is most of the wait for a 6 GiB file. The station streams it to disk and
 * answers 202 once the bytes are in; the import's progress then comes as events.
 */
export function uploadIso(
  file: File,
  id: string,
  onProgress: (p: UploadProgress) => void,
): { done: Promise<Result<MediaImportStatus>>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const q = new URLSearchParams({ fileName: file.name });
  if (id) q.set('id', id);
  xhr.open('POST', `/api/v1/media?${q.toString()}`);
  xhr.withCredentials = true;
  xhr.setRequestHeader('content-type', 'application/octet-stream');
  const started = Date.now();
  xhr.upload.onprogress = (e) => {
    const rate = e.loaded / Math.max(0.001, (Date.now() - started) / 1000);
    onProgress({
      loaded: e.loaded,
      total: e.total || file.size,
      etaSeconds: e.loaded > 0 ? Math.round((file.size - e.loaded) / rate) : null,
    });
  };
  const done = new Promise<Result<MediaImportStatus>>((resolve) => {
    xhr.onload = () => {
      let body: { importId?: string; error?: ApiError } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // not JSON: reported below
      }
      if (xhr.status < 300 && body.importId)
        resolve({ ok: true, value: body as MediaImportStatus });
      else
        resolve({
          ok: false,
          error: body.error ?? {
            code: `http_${xhr.status}`,
            message: `The station answered ${xhr.status}.`,
          },
        });
    };
    const fail = (message: string) => () =>
      resolve({ ok: false, error: { code: 'upload_failed', message } });
    xhr.onerror = fail('The upload broke off: is the station still running?');
    xhr.onabort = fail('The upload was cancelled.');
  });
  xhr.send(file);
  return { done, abort: () => xhr.abort() };
}

/** A size for people: KiB below 1 MiB, MiB with one decimal below 10, else whole MiB. */
export function size(n: number): string {
  if (n < 1024 * 1024) return `${Math.ceil(n / 1024)} KiB`;
  return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

export function timeLeft(s: number | null): string {
  if (s === null) return '';
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')} left`;
}
