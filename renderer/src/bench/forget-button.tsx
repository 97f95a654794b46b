import { useState } from 'react';
import { fetchMachines } from '../api/machines';
import { postJson } from '../api/client';
import { ConfirmDialog } from '../components/confirm';
import { useStore } from '../store';

/**
 * Forgets the given machines (POST /api/v1/machines/forget): invented MACs from the bench,
 * PCs that left. The station refuses, with the reason, if one of them is being deployed.
 * The list is fetched again afterwards, since forgetting is not an event of the stream.
 */
export function ForgetButton({ ids, disabled }: { ids: string[]; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const forget = async (): Promise<void> => {
    setAsking(false);
    setBusy(true);
    setError(null);
    const r = await postJson<{ forgotten: string[] }>('/api/v1/machines/forget', {
      machines: ids,
    });
    if (!r.ok) setError(r.error.message);
    else {
      const list = await fetchMachines();
      const st = useStore.getState();
      if (list.ok) st.setMachines(list.value);
      st.clearSelected();
    }
    setBusy(false);
  };

  return (
    <>
      <button
        type="button"
        className="danger-outline"
        data-testid="selection-forget"
        disabled={disabled || busy || ids.length === 0}
        title="Remove from the station (a deploying machine must be reset first)"
        onClick={() => setAsking(true)}
      >
        Forget…
      </button>
      {error ? (
        <span className="error" role="alert" data-testid="forget-error">
          {error}
        </span>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={`Forget ${ids.length} machine(s)?`}
          body="They disappear from the bench and the registry. If one boots again, it shows up as a new machine."
          confirmLabel="Forget"
          onCancel={() => setAsking(false)}
          onConfirm={() => void forget()}
        />
      ) : null}
    </>
  );
}
