import type { RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ChoiceSelect, type Choice } from '../components/choice-select';
import { machineStates, stateLabels, type SortKey, type StateFilter } from '../lib/bench-view';
import { useStore } from '../store';
import { selectBenchFilter } from '../store/bench-ui';
import { selectBatches } from '../store/machines';
import { selectDensity, type Density } from '../store/ui-prefs';

const sorts: Choice<SortKey>[] = [
  { value: 'attention', label: 'Needs attention first' },
  { value: 'name', label: 'Name' },
  { value: 'state', label: 'State' },
  { value: 'progress', label: 'Progress' },
  { value: 'elapsed', label: 'Longest running' },
  { value: 'updated', label: 'Last change' },
];

const stateChoices: Choice<StateFilter>[] = [
  { value: 'all', label: 'Any state' },
  { value: 'active', label: 'Working' },
  { value: 'attention', label: 'Failed or stalled' },
  ...machineStates.map((s) => ({ value: s, label: stateLabels[s] })),
];

const densities: Choice<Density>[] = [
  { value: 'compact', label: 'Compact rows' },
  { value: 'comfortable', label: 'Comfortable rows' },
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
  const batchInfo = useStore(selectBatches);
  const density = useStore(selectDensity);
  const { setBenchFilter: setFilter, setPrefs } = useStore.getState();
  const customerChoices: Choice<string>[] = [
    { value: '', label: 'Any customer' },
    ...customers.map((c) => ({ value: c, label: c })),
  ];
  const batchChoices: Choice<string>[] = [
    { value: '', label: 'Any batch' },
    { value: '-', label: 'In no batch' },
    ...batches.map((b) => ({ value: b, label: batchInfo[b]?.name ?? b })),
  ];
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
      <ChoiceSelect
        testId="filter-state"
        label="State"
        value={filter.state}
        choices={stateChoices}
        onChange={(state) => setFilter({ state })}
      />
      <ChoiceSelect
        testId="filter-customer"
        label="Customer"
        value={filter.customer}
        choices={customerChoices}
        onChange={(customer) => setFilter({ customer })}
      />
      <ChoiceSelect
        testId="filter-batch"
        label="Batch"
        value={filter.batch}
        choices={batchChoices}
        onChange={(batch) => setFilter({ batch })}
      />
      <ChoiceSelect
        testId="bench-density"
        label="Row density"
        value={density}
        choices={densities}
        onChange={(d) => setPrefs({ density: d })}
      />
      <ChoiceSelect
        testId="bench-sort"
        label="Sort"
        value={filter.sort}
        choices={sorts}
        onChange={(sort) => setFilter({ sort })}
      />
    </div>
  );
}
