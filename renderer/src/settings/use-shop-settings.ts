import { useEffect, useState } from 'react';
import type { ShopSettings } from '../../../main/api/contract';
import { api, postJson } from '../api/client';
import { outcome, useAction } from '../lib/use-action';

/** The shop's identity on reports (GET/PUT /api/v1/settings/shop): a draft, saved on demand. */
export function useShopSettings() {
  const [draft, setDraft] = useState<ShopSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const action = useAction();
  const setMessage = action.say;

  useEffect(() => {
    void api<ShopSettings>('/api/v1/settings/shop').then((r) => {
      if (r.ok) setDraft(r.value);
      else setLoadError(`Could not load the shop settings: ${r.error.message}`);
    });
  }, []);

  const change = (patch: Partial<ShopSettings>) => {
    setMessage(null);
    setLoadError(null);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };
  const save = async () => {
    if (!draft) return;
    setLoadError(null);
    await action.run(async () => {
      const r = await postJson<ShopSettings>('/api/v1/settings/shop', draft, 'PUT');
      if (r.ok) setDraft(r.value);
      return outcome(r, 'Saved: reports made from now on carry these details.');
    });
  };
  /** A PNG or JPEG as a data: URL; the station refuses more than 512 KB. */
  const pickLogo = (file: File | undefined) => {
    if (!file) return;
    if (!/^image\/(png|jpeg)$/.test(file.type)) {
      setMessage({ ok: false, text: 'The logo must be a PNG or JPEG image.' });
      return;
    }
    if (file.size > 512 * 1024) {
      setMessage({ ok: false, text: 'The logo is larger than 512 KB; use a smaller image.' });
      return;
    }
    const reader = new FileReader();
    reader.onload = () => change({ logo: String(reader.result) });
    reader.readAsDataURL(file);
  };
  // A failed load is said until something else is (a change, a save).
  const message = action.message ?? (loadError ? { ok: false, text: loadError } : null);
  return { draft, busy: action.busy, message, change, save, pickLogo };
}
