import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm';
import { assignMany, forEachMachine, machineAction, stepAction } from '../api/machines';
import { useStore } from '../store';
import { selectSelectedIds } from '../store/bench-ui';
import { ProfilePicker } from '../components/profile-picker';

/** Actions on the selected machines: assign a profile, retry the failed step, reset. */
export function SelectionBar() {
  const ids = useStore(useShallow(selectSelectedIds));
  const clear = useStore((s) => s.clearSelected);
  const [profile, setProfile] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirm, setConfirm] = useState<'reset' | 'reassign' | null>(null);

  if (ids.length === 0) return null;

  const report = (label: string, done: number, failures: { message: string }[]) => {
    if (failures.length === 0) setMessage({ ok: true, text: `${label}: ${done} machine(s).` });
    else
      setMessage({
        ok: false,
        text: `${label} failed for ${failures.length} of ${done + failures.length}: ${failures[0]!.message}`,
      });
  };
  const runEach = async (
    label: string,
    targets: string[],
    fn: (id: string) => ReturnType<typeof machineAction>,
  ) => {
    setBusy(true);
    setMessage(null);
    const failures = await forEachMachine(targets, fn);
    setBusy(false);
    report(label, targets.length - failures.length, failures);
  };
  const assign = async () => {
    setBusy(true);
    setMessage(null);
    const r = await assignMany(ids, profile);
    setBusy(false);
    report(`Assigned to ${profile}`, r.ok ? ids.length : 0, r.ok ? [] : [r.error]);
  };
  const machines = useStore.getState().machines;
  const deploying = ids.filter((id) => machines[id] && machines[id].state !== 'discovered');
  // Retry means the step a machine failed at; machines that did not fail are left alone.
  const retry = () => {
    const failed = ids.filter((id) => machines[id]?.state === 'failed');
    if (failed.length === 0) {
      setMessage({ ok: false, text: 'None of the selected machines has failed.' });
      return;
    }
    void runEach('Retry', failed, (id) => {
      const stepId = useStore.getState().machines[id]?.failure?.stepId;
      return stepId ? stepAction(id, stepId, 'retry') : machineAction(id, 'reset');
    });
  };

  return (
    <div className="selection-bar" data-testid="selection-bar" role="toolbar">
      <strong data-testid="selection-count">{ids.length} selected</strong>
      <ProfilePicker
        testId="selection-profile"
        label="Profile to assign"
        value={profile}
        onChange={setProfile}
      />
      <button
        type="button"
        data-testid="selection-assign"
        disabled={busy || profile === ''}
        onClick={() => (deploying.length > 0 ? setConfirm('reassign') : void assign())}
      >
        Assign
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="selection-retry"
        disabled={busy}
        onClick={retry}
      >
        Retry failed step
      </button>
      <button
        type="button"
        className="danger-outline"
        data-testid="selection-reset"
        disabled={busy}
        onClick={() => setConfirm('reset')}
      >
        Reset…
      </button>
      <button type="button" className="secondary" onClick={() => clear()}>
        Clear selection (Esc)
      </button>
      {message ? (
        <span
          className={message.ok ? 'ok-text' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="selection-message"
        >
          {message.text}
        </span>
      ) : null}
      {confirm === 'reset' ? (
        <ConfirmDialog
          title={`Reset ${ids.length} machine(s)?`}
          body="Each one starts its deployment over: the next network boot installs the OS again and wipes its disk. What they did so far stays in their history."
          confirmLabel="Reset and deploy again"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            const assigned = ids.filter((id) => useStore.getState().machines[id]?.profile);
            void runEach('Reset', assigned, (id) => machineAction(id, 'reset'));
          }}
        />
      ) : confirm === 'reassign' ? (
        <ConfirmDialog
          title={`Assign ${ids.length} machine(s) to ${profile}?`}
          body={`${deploying.length} of them already have a profile: their deployment starts over with the new one, and the next network boot wipes their disk.`}
          confirmLabel="Assign and start over"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void assign();
          }}
        />
      ) : null}
    </div>
  );
}
