import { useCallback, useEffect, useState } from 'react';
import { deleteSecret, fetchSecrets, setSecret, type SecretsListing } from '../api/secrets';
import { useStore } from '../store';

export interface SecretsState {
  listing: SecretsListing | null;
  error: string | null;
  busy: boolean;
  message: { ok: boolean; text: string } | null;
  save: (name: string, value: string) => Promise<boolean>;
  remove: (name: string) => Promise<void>;
}

/**
 * The Secrets screen's state: the listing (names only; values never come back), and
 * set/replace/delete that reload it and the profiles' readiness.
 */
export function useSecrets(): SecretsState {
  const [listing, setListing] = useState<SecretsListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const reload = useCallback(async () => {
    const r = await fetchSecrets();
    if (r.ok) {
      setListing(r.value);
      setError(null);
    } else setError(r.error.message);
    void useStore.getState().loadReadiness();
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const save = async (name: string, value: string): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    const existed = listing?.secrets.some((s) => s.name === name) ?? false;
    const r = await setSecret(name, value);
    setBusy(false);
    if (!r.ok) {
      setMessage({ ok: false, text: `"${name}" was not saved: ${r.error.message}` });
      return false;
    }
    setMessage({ ok: true, text: `"${name}" ${existed ? 'replaced' : 'set'}.` });
    await reload();
    return true;
  };
  const remove = async (name: string) => {
    setBusy(true);
    setMessage(null);
    const r = await deleteSecret(name);
    setBusy(false);
    setMessage(
      r.ok ? { ok: true, text: `"${name}" deleted.` } : { ok: false, text: r.error.message },
    );
    await reload();
  };
  return { listing, error, busy, message, save, remove };
}
