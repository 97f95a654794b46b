import { useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { facets, stateCounts, visibleMachineIds } from '../lib/bench-view';
import { FirstRunSetup } from '../pages/first-run';
import { useStore } from '../store';
import { selectBenchFilter } from '../store/bench-ui';
import {
  selectMachineCount,
  selectMachines,
  selectMachinesAt,
  selectMachinesError,
  selectMachinesLoad,
} from '../store/machines';
import { selectNeedsSetup, selectSetupDismissed } from '../store/network';
import { BatchPanel } from './batch-panel';
import { BenchDhcpBanner } from './bench-banner';
import { BenchToolbar } from './bench-toolbar';
import { MachineTable } from './machine-table';
import { SelectionBar } from './selection-bar';
import { StateChips } from './state-chips';
import { useBenchKeys, useRangeSelect } from './use-bench-keys';

export function BenchPage() {
  const needsSetup = useStore(selectNeedsSetup);
  const dismissed = useStore(selectSetupDismissed);
  const count = useStore(selectMachineCount);
  const load = useStore(selectMachinesLoad);
  // The network settings arrive with the machines: until then neither the setup nor the
  // bench is shown, so the screen does not flip from one to the other.
  if (load === 'idle' || load === 'loading') {
    return (
      <p className="muted page" data-testid="bench-starting">
        Loading the bench…
      </p>
    );
  }
  if (needsSetup && !dismissed && count === 0) return <FirstRunSetup />;
  return <Bench />;
}

function Bench() {
  const machines = useStore(selectMachines);
  const load = useStore(selectMachinesLoad);
  const loadError = useStore(selectMachinesError);
  const filter = useStore(useShallow(selectBenchFilter));
  const { setBenchFilter: setFilter } = useStore.getState();
  // The order is recomputed on every batch; the clock in rows ticks on its own.
  const orderNow = useStore(selectMachinesAt);
  const ids = useMemo(
    () => visibleMachineIds(machines, filter, orderNow),
    [machines, filter, orderNow],
  );
  const { customers, batches } = useMemo(() => facets(machines), [machines]);
  const counts = useMemo(() => stateCounts(machines), [machines]);
  const total = Object.keys(machines).length;
  const search = useRef<HTMLInputElement>(null);
  const onSelect = useRangeSelect(ids);
  useBenchKeys(ids, search);

  return (
    <section className="page bench" data-testid="bench-page">
      <div className="bench-head">
        <h1>Bench</h1>
        <StateChips total={total} counts={counts} />
      </div>
      <BenchDhcpBanner />
      <BatchPanel />
      <BenchToolbar search={search} customers={customers} batches={batches} />
      <SelectionBar shownIds={ids} />
      {load === 'error' ? (
        <p className="error" role="alert" data-testid="bench-error">
          Could not load the machines: {loadError}
        </p>
      ) : load !== 'loaded' ? (
        <p className="muted" data-testid="bench-loading">
          Loading the bench…
        </p>
      ) : total === 0 ? (
        <div className="empty" data-testid="bench-empty">
          <strong>No machine has network-booted yet.</strong>
          <ol>
            <li>Plug the PCs into the bench switch and power them on with network boot (F12).</li>
            <li>
              Each one shows up here as <em>Waiting</em>. Assign a profile, or create a batch above
              so the next machines get one by themselves.
            </li>
          </ol>
        </div>
      ) : ids.length === 0 ? (
        <p className="empty" data-testid="bench-no-match">
          No machine matches these filters.{' '}
          <button
            type="button"
            className="link"
            onClick={() => setFilter({ state: 'all', customer: '', batch: '', search: '' })}
          >
            Show all {total}
          </button>
        </p>
      ) : (
        <MachineTable ids={ids} total={total} onSelect={onSelect} />
      )}
    </section>
  );
}
