import type { MachineState } from '../../../main/api/contract';
import type { StateFilter } from '../lib/bench-view';
import { useStore } from '../store';
import { selectBenchStateFilter } from '../store/bench-ui';

const chips: { state: StateFilter; label: string; cls: string }[] = [
  { state: 'all', label: 'All', cls: '' },
  { state: 'discovered', label: 'Waiting', cls: 'state-discovered' },
  { state: 'active', label: 'Working', cls: 'state-provisioning' },
  { state: 'failed', label: 'Failed', cls: 'state-failed' },
  { state: 'stalled', label: 'Stalled', cls: 'state-stalled' },
  { state: 'done', label: 'Done', cls: 'state-done' },
];

/** The counts per state above the table; a click filters to that state, again shows all. */
export function StateChips({
  total,
  counts,
}: {
  total: number;
  counts: Record<MachineState, number>;
}) {
  const current = useStore(selectBenchStateFilter);
  const active = total - counts.discovered - counts.done - counts.failed - counts.stalled;
  const countOf = (state: StateFilter): number =>
    state === 'all'
      ? total
      : state === 'active'
        ? active
        : state === 'attention'
          ? counts.failed + counts.stalled
          : counts[state];
  return (
    <div className="chips">
      {chips.map(({ state, label, cls }) => (
        <button
          key={state}
          type="button"
          className={`chip ${cls} ${current === state ? 'on' : ''}`}
          data-testid={`count-${state}`}
          onClick={() =>
            useStore.getState().setBenchFilter({ state: current === state ? 'all' : state })
          }
        >
          {label} <strong>{countOf(state)}</strong>
        </button>
      ))}
    </div>
  );
}
