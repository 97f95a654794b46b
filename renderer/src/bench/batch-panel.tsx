import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { createBatch } from '../api/machines';
import { useStore } from '../store';
import { selectBatchList } from '../store/machines';
import { selectAssignableProfiles } from '../store/profiles';
import { ProfilePicker } from '../components/profile-picker';

/** "The next N machines that boot → this profile", and how full each batch is. */
export function BatchPanel() {
  const batches = useStore(useShallow(selectBatchList));
  const profiles = useStore(useShallow(selectAssignableProfiles));
  const setFilter = useStore((s) => s.setBenchFilter);
  const [count, setCount] = useState('10');
  const [profile, setProfile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const n = Number(count);
  const valid = Number.isInteger(n) && n > 0 && n <= 1000 && profile !== '';
  const create = async () => {
    setBusy(true);
    setError(null);
    const r = await createBatch(profile, n);
    setBusy(false);
    if (!r.ok) setError(r.error.message);
    else useStore.getState().setBatches([...batches.filter((b) => b.id !== r.value.id), r.value]);
  };
  const shown = batches.filter((b) => b.open).concat(batches.filter((b) => !b.open).slice(0, 3));

  return (
    <div className="batch-panel" data-testid="batch-panel">
      <form
        className="batch-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void create();
        }}
      >
        <span>Next</span>
        <input
          type="number"
          min={1}
          max={1000}
          data-testid="batch-count"
          aria-label="How many machines"
          value={count}
          onChange={(e) => setCount(e.target.value)}
          className="narrow"
        />
        <span>machines that boot →</span>
        <ProfilePicker
          testId="batch-profile"
          label="Profile for the batch"
          value={profile}
          onChange={setProfile}
        />
        <button type="submit" data-testid="batch-create" disabled={!valid || busy}>
          {busy ? 'Creating…' : 'Create batch'}
        </button>
        {profiles.length === 0 ? (
          <span className="muted small">
            No profile yet: <a href="#/profiles">create one in Profiles</a>.
          </span>
        ) : null}
      </form>
      {error ? (
        <p className="error small" role="alert" data-testid="batch-error">
          {error}
        </p>
      ) : null}
      {shown.length > 0 ? (
        <ul className="batches">
          {shown.map((b) => {
            const total = b.count ?? b.macs?.length ?? b.filled;
            return (
              <li key={b.id} data-testid={`batch-${b.id}`} className={b.open ? '' : 'closed'}>
                <button
                  type="button"
                  className="link"
                  title="Show this batch's machines"
                  onClick={() => setFilter({ batch: b.id })}
                >
                  {b.name ?? `Batch ${b.id.slice(0, 6)}`}
                </button>{' '}
                → <strong>{b.profile}</strong>{' '}
                <span className="mono" data-testid="batch-filled">
                  {b.filled} of {total}
                </span>
                <div className="bar small-bar">
                  <div
                    className="fill"
                    style={{ transform: `scaleX(${total ? Math.min(1, b.filled / total) : 0})` }}
                  />
                </div>
                {!b.open ? <span className="muted small">full</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
