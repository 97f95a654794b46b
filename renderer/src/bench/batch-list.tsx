import { useShallow } from 'zustand/react/shallow';
import type { BatchSummary, MachineSummary } from '../../../main/api/contract';
import { displayName } from '../lib/bench-view';
import { useStore } from '../store';
import { selectBatchList, selectMachines } from '../store/machines';

/** Arrived (assigned to the batch) and finished are counted apart: arriving is not done. */
export function batchProgress(
  b: BatchSummary,
  machines: Record<string, MachineSummary>,
): { total: number; arrived: number; done: number; failed: number } {
  const total = b.count ?? b.macs?.length ?? b.filled;
  let done = 0;
  let failed = 0;
  for (const id of b.machineIds) {
    const m = machines[id];
    // A machine reassigned elsewhere since no longer counts for this batch.
    if (!m || m.batch !== b.id) continue;
    if (m.state === 'done') done++;
    else if (m.state === 'failed') failed++;
  }
  return { total, arrived: b.filled, done, failed };
}

const names = (b: BatchSummary, machines: Record<string, MachineSummary>): string[] =>
  b.machineIds.map((id) => (machines[id] ? displayName(machines[id]) : id));

export function BatchList() {
  const batches = useStore(useShallow(selectBatchList));
  const machines = useStore(selectMachines);
  const { setBenchFilter: setFilter } = useStore.getState();
  const shown = batches.filter((b) => b.open).concat(batches.filter((b) => !b.open).slice(0, 3));
  if (shown.length === 0) return null;
  return (
    <ul className="batches">
      {shown.map((b) => {
        const p = batchProgress(b, machines);
        const took = names(b, machines);
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
            → <strong>{b.profile}</strong> <span className="muted small">arrived</span>{' '}
            <span className="mono" data-testid="batch-filled">
              {p.arrived} of {p.total}
            </span>
            <div className="bar small-bar" title={`${p.arrived} of ${p.total} arrived`}>
              <div
                className="fill"
                style={{ transform: `scaleX(${p.total ? Math.min(1, p.arrived / p.total) : 0})` }}
              />
            </div>
            <span className="muted small">finished</span>{' '}
            <span className="mono" data-testid="batch-finished">
              {p.done} of {p.total}
            </span>
            {p.failed > 0 ? (
              <span className="error small" data-testid="batch-failed">
                {' '}
                · {p.failed} failed
              </span>
            ) : null}
            {took.length > 0 ? (
              <span
                className="muted small batch-took"
                data-testid="batch-took"
                title={took.join(', ')}
              >
                {' '}
                · took {took.slice(0, 4).join(', ')}
                {took.length > 4 ? ` and ${took.length - 4} more` : ''}
              </span>
            ) : null}
            {!b.open ? <span className="muted small"> · all arrived</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
