import type { RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { machineStates, stateLabels, type SortKey, type StateFilter } from '../lib/bench-view';
import { useStore } from '../store';
import { selectBenchFilter } from '../store/bench-ui';
import type { Density } from '../store/ui-prefs';

const sorts: { id: SortKey; label: string }[] = [
  { id: 'attention', label: 'Needs attention first' },
  { id: 'name', label: 'Name' },
  { id: 'state', label: 'State' },
  { id: 'progress', label: 'Progress' },
  { id: 'elapsed', label: 'Longest running' },
  { id: 'updated', label: 'Last change' },
];

/** Search, filters, row density and sort: one line at 1280 px. */
export function BenchToolbar({
  search,
  customers,
  batches,
}: {
  search: RefObject<HTMLInputElement | null>;
  customers: string[];
  batches: string[];
}) {
  const filter = useStore(useShallow(selectBenchFilter));
  const setFilter = useStore((s) => s.setBenchFilter);
  const batchInfo = useStore((s) => s.batches);
  const density = useStore((s) => s.density);
  const setPrefs = useStore((s) => s.setPrefs);
  return (
    <div className="toolbar" role="search">
      <input
        ref={search}
        type="search"
        data-testid="bench-search"
        placeholder="Search name, serial, MAC, model… ( / )"
        value={filter.search}
        onChange={(e) => setFilter({ search: e.target.value })}
        className="grow"
      />
      <select
        data-testid="filter-state"
        aria-label="State"
        value={filter.state}
        onChange={(e) => setFilter({ state: e.target.value as StateFilter })}
      >
        <option value="all">Any state</option>
        <option value="active">Working</option>
        <option value="attention">Failed or stalled</option>
        {machineStates.map((s) => (
          <option key={s} value={s}>
            {stateLabels[s]}
          </option>
        ))}
      </select>
      <select
        data-testid="filter-customer"
        aria-label="Customer"
        value={filter.customer}
        onChange={(e) => setFilter({ customer: e.target.value })}
      >
        <option value="">Any customer</option>
        {customers.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
      <select
        data-testid="filter-batch"
        aria-label="Batch"
        value={filter.batch}
        onChange={(e) => setFilter({ batch: e.target.value })}
      >
        <option value="">Any batch</option>
        <option value="-">In no batch</option>
        {batches.map((b) => (
          <option key={b} value={b}>
            {batchInfo[b]?.name ?? b}
          </option>
        ))}
      </select>
      <select
        data-testid="bench-density"
        aria-label="Row density"
        value={density}
        onChange={(e) => setPrefs({ density: e.target.value as Density })}
      >
        <option value="compact">Compact rows</option>
        <option value="comfortable">Comfortable rows</option>
      </select>
      <select
        data-testid="bench-sort"
        aria-label="Sort"
        value={filter.sort}
        onChange={(e) => setFilter({ sort: e.target.value as SortKey })}
      >
        {sorts.map((s) => (
          <option key={s.id} value={s.id}>
            {s.label}
          </option>
        ))}
      </select>
    </div>
  );
}
