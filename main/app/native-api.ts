/** What the preload exposes as window.prepstation: one named method per native action. */
export type NativeResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export interface NativeApi {
  saveFile(
    suggestedName: string,
    data: Uint8Array | string,
  ): Promise<NativeResult<{ saved: false } | { saved: true; path: string }>>;
  printToPdf(
    suggestedName: string,
  ): Promise<NativeResult<{ saved: false } | { saved: true; path: string }>>;
  openFolder(
    which: 'data' | 'profiles' | 'files' | 'logs',
  ): Promise<NativeResult<{ opened: string }>>;
}
