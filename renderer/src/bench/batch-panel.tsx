import { useShallow } from 'zustand/react/shallow';
import { ConfirmDialog } from '../components/confirm';
import { ProfilePicker } from '../components/profile-picker';
import { ReadinessNote, readinessSentence } from '../components/readiness-note';
import { useStore } from '../store';
import { selectOpenBatchCount } from '../store/machines';
import { selectAssignableProfiles } from '../store/profiles';
import { selectBatchesHidden } from '../store/ui-prefs';
import { BatchList } from './batch-list';
import { useBatchForm, type BatchConfirm } from './use-batch-form';

/** "The next N machines that boot → this profile", and how far each batch is. */
export function BatchPanel() {
  const hidden = useStore(selectBatchesHidden);
  const openCount = useStore(selectOpenBatchCount);
  const { setPrefs } = useStore.getState();
  if (hidden) {
    return (
      <div className="batch-panel folded" data-testid="batch-panel-folded">
        <button
          type="button"
          className="link small"
          data-testid="batches-show"
          onClick={() => setPrefs({ batchesHidden: false })}
        >
          Show batches{openCount > 0 ? ` (${openCount} open)` : ''}
        </button>
      </div>
    );
  }
  return <BatchPanelOpen onHide={() => setPrefs({ batchesHidden: true })} />;
}

function BatchPanelOpen({ onHide }: { onHide: () => void }) {
  const profiles = useStore(useShallow(selectAssignableProfiles));
  const f = useBatchForm();
  return (
    <div className="batch-panel" data-testid="batch-panel">
      <form
        className="batch-form"
        data-readiness={f.readinessState}
        data-testid="batch-form"
        onSubmit={(e) => {
          e.preventDefault();
          f.submit();
        }}
      >
        <span>Next</span>
        <input
          type="number"
          min={1}
          max={1000}
          data-testid="batch-count"
          aria-label="How many machines"
          value={f.count}
          onChange={(e) => f.setCount(e.target.value)}
          className="narrow"
        />
        <span>machines that boot →</span>
        <ProfilePicker
          testId="batch-profile"
          label="Profile for the batch"
          value={f.profile}
          onChange={f.setProfile}
        />
        <button type="submit" data-testid="batch-create" disabled={!f.valid || f.busy}>
          {f.busy ? 'Creating…' : 'Create batch'}
        </button>
        {profiles.length === 0 ? (
          <span className="muted small">
            No profile yet: <a href="#/profiles">create one in Profiles</a>.
          </span>
        ) : null}
        <button
          type="button"
          className="link small push-right"
          data-testid="batches-hide"
          onClick={onHide}
        >
          Hide batches
        </button>
      </form>
      <ReadinessNote readiness={f.readiness} testId="batch-readiness" />
      {f.error ? (
        <p className="error small" role="alert" data-testid="batch-error">
          {f.error}
        </p>
      ) : null}
      {f.created ? (
        <p className="ok-text small" role="status" data-testid="batch-created">
          {f.created}
        </p>
      ) : null}
      <BatchList />
      {f.confirm ? (
        <ConfirmDialog
          title={`Create a batch of ${f.n} for ${f.profile}?`}
          body={confirmText(f.confirm, f.profile)}
          confirmLabel={f.confirm.readiness ? 'Create anyway' : 'Create batch'}
          onCancel={f.cancel}
          onConfirm={f.create}
        />
      ) : null}
    </div>
  );
}

function confirmText(c: BatchConfirm, profile: string): string {
  const parts: string[] = [];
  if (c.readiness) {
    parts.push(
      `${profile} is not ready: ${readinessSentence(c.readiness)}. Machines of this batch would wipe their disk and then stop.`,
    );
  }
  if (c.waiting > 0) {
    parts.push(
      `${c.waiting} PC${c.waiting === 1 ? ' is' : 's are'} already waiting on the bench: ${c.waiting === 1 ? 'it joins' : 'they join'} this batch the next time ${c.waiting === 1 ? 'it asks' : 'they ask'} for a boot script, and ${c.waiting === 1 ? 'its' : 'their'} disk is wiped.`,
    );
  }
  return parts.join(' ');
}
