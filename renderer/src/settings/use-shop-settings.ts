import { useEffect, useState } from 'react';
import type { ShopSettings } from '../../../main/api/contract';
import { api, postJson } from '../api/client';

/** The shop's identity on reports (GET/PUT /api/v1/settings/shop): a draft, saved on demand. */
export function useShopSettings() {
  const [draft, setDraft] = useState<ShopSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    void api<ShopSettings>('/api/v1/settings/shop').then((r) => {
      if (r.ok) setDraft(r.value);
      else setMessage({ ok: false, text: `Could not load the shop settings: ${r.error.message}` });
    });
  }, []);

  const change = (patch: Partial<ShopSettings>) => {
    setMessage(null);
    setDraft((d) => (d ? { ...d, ...patch } : d));
  };
  const save = async () => {
    if (!draft) return;
    setBusy(true);
    const r = await postJson<ShopSettings>('/api/v1/settings/shop', draft, 'PUT');
    setBusy(false);
    if (r.ok) {
      setDraft(r.value);
      setMessage({ ok: true, text: 'Saved: reports made from now on carry these details.' });
    } else setMessage({ ok: false, text: r.error.message });
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
  return { draft, busy, message, change, save, pickLogo };
}
