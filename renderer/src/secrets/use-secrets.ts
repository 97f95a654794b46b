import { useCallback, useEffect, useState } from 'react';
import { deleteSecret, fetchSecrets, setSecret, type SecretsListing } from '../api/secrets';
import type { SecretInfo } from '../../../main/api/contract';
import { outcome, useAction, type ActionMessage } from '../lib/use-action';
import { useStore } from '../store';

export interface SecretsState {
  listing: SecretsListing | null;
  error: string | null;
  busy: boolean;
  message: ActionMessage | null;
  /** The secret whose deletion waits for the technician's confirmation. */
  deleting: SecretInfo | null;
  askRemove: (secret: SecretInfo) => void;
  cancelRemove: () => void;
  save: (name: string, value: string) => Promise<boolean>;
  remove: (name: string) => void;
}

/**
 * The Secrets screen's state: the listing (names only; values never come back), and
 * set/replace/delete that reload it and the profiles' readiness.
 */
export function useSecrets(): SecretsState {
  const [listing, setListing] = useState<SecretsListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const action = useAction<SecretInfo>();

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
    const existed = listing?.secrets.some((s) => s.name === name) ?? false;
    const said = await action.run(async () =>
      outcome(
        await setSecret(name, value),
        `"${name}" ${existed ? 'replaced' : 'set'}.`,
        (reason) => `"${name}" was not saved: ${reason}`,
      ),
    );
    if (!said?.ok) return false;
    await reload();
    return true;
  };
  const remove = (name: string) =>
    void action
      .run(async () => outcome(await deleteSecret(name), `"${name}" deleted.`))
      .then(reload);
  return {
    listing,
    error,
    busy: action.busy,
    message: action.message,
    deleting: action.pending,
    askRemove: action.ask,
    cancelRemove: action.cancel,
    save,
    remove,
  };
}
