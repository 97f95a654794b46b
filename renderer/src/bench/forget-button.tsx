import { fetchMachines } from '../api/machines';
import { postJson } from '../api/client';
import { ActionNote } from '../components/action-note';
import { ConfirmDialog } from '../components/confirm';
import { outcome, useAction } from '../lib/use-action';
import { useStore } from '../store';

/**
 * Forgets the given machines (POST /api/v1/machines/forget): invented MACs from the bench,
 * PCs that left. The station refuses, with the reason, if one of them is being deployed.
 * The list is fetched again afterwards, since forgetting is not an event of the stream.
 */
export function ForgetButton({ ids, disabled }: { ids: string[]; disabled?: boolean }) {
  const action = useAction<true>();

  // The bench shows the result: only a refusal is said here.
  const forget = () =>
    void action.run(async () => {
      const r = await postJson<{ forgotten: string[] }>('/api/v1/machines/forget', {
        machines: ids,
      });
      if (r.ok) {
        const list = await fetchMachines();
        const st = useStore.getState();
        if (list.ok) st.setMachines(list.value);
        st.clearSelected();
      }
      return outcome(r, null);
    });

  return (
    <>
      <button
        type="button"
        className="danger-outline"
        data-testid="selection-forget"
        disabled={disabled || action.busy || ids.length === 0}
        title="Remove from the station (a deploying machine must be reset first)"
        onClick={() => action.ask(true)}
      >
        Forget…
      </button>
      <ActionNote message={action.message} testId="forget-error" />
      {action.pending ? (
        <ConfirmDialog
          title={`Forget ${ids.length} machine(s)?`}
          body="They disappear from the bench and the registry. If one boots again, it shows up as a new machine."
          confirmLabel="Forget"
          onCancel={action.cancel}
          onConfirm={forget}
        />
      ) : null}
    </>
  );
}
