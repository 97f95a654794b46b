import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  facets,
  machineStates,
  stateCounts,
  stateLabels,
  visibleMachineIds,
  type SortKey,
  type StateFilter,
} from '../lib/bench-view';
import { useNow } from '../lib/use-now';
import { FirstRunSetup } from '../pages/first-run';
import { useStore } from '../store';
import type { Density } from '../store/ui-prefs';
import { selectBenchFilter, selectSelected } from '../store/bench-ui';
import { selectNeedsSetup } from '../store/network';
import { BatchPanel } from './batch-panel';
import { MachineRow, rowHeight } from './machine-row';
import { SelectionBar } from './selection-bar';

const sorts: { id: SortKey; label: string }[] = [
  { id: 'attention', label: 'Needs attention first' },
  { id: 'name', label: 'Name' },
  { id: 'state', label: 'State' },
  { id: 'progress', label: 'Progress' },
  { id: 'elapsed', label: 'Longest running' },
  { id: 'updated', label: 'Last change' },
];

export function BenchPage() {
  const needsSetup = useStore(selectNeedsSetup);
  const dismissed = useStore((s) => s.setupDismissed);
  const count = useStore((s) => Object.keys(s.machines).length);
  if (needsSetup && !dismissed && count === 0) return <FirstRunSetup />;
  return <Bench />;
}

function Bench() {
  const machines = useStore((s) => s.machines);
  const load = useStore((s) => s.machinesLoad);
  const loadError = useStore((s) => s.machinesError);
  const filter = useStore(useShallow(selectBenchFilter));
  const setFilter = useStore((s) => s.setBenchFilter);
  const selected = useStore(selectSelected);
  const batchInfo = useStore((s) => s.batches);
  const needsSetup = useStore(selectNeedsSetup);
  const dhcpOff = useStore((s) => s.network?.dhcpMode === 'off');
  const density = useStore((s) => s.density);
  const largeText = useStore((s) => s.largeText);
  const expanded = useStore((s) => s.expanded);
  // PCs booting now prove the bench answers (e.g. another server boots them): no warning.
  const bannerHidden = useStore(
    (s) =>
      s.dhcpBannerHidden ||
      Object.values(s.machines).some((m) => m.state === 'booting' || m.state === 'installing-os'),
  );
  const setPrefs = useStore((s) => s.setPrefs);
  // The order is recomputed on every batch; the clock in rows ticks on its own.
  const now = useNow(1000);
  const orderNow = useMemo(() => Date.now(), [machines]); // eslint-disable-line react-hooks/exhaustive-deps
  const ids = useMemo(
    () => visibleMachineIds(machines, filter, orderNow),
    [machines, filter, orderNow],
  );
  const estimates = useStore((s) => s.estimates);
  const { customers, batches } = useMemo(() => facets(machines), [machines]);
  const counts = useMemo(() => stateCounts(machines), [machines]);
  const total = Object.keys(machines).length;

  const scroller = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const lastClicked = useRef<string | null>(null);
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => rowHeight(density, largeText, expanded[ids[i]!] === true),
    overscan: 8,
    getItemKey: (i) => ids[i]!,
  });
  // Row heights change with the density, large text and unfolded rows: measure again.
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, density, largeText, expanded]);

  // Shift-click selects the range between the last click and this one, as in a file manager.
  // The callback stays the same across batches (ids via a ref), so rows skip re-rendering.
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const onSelect = useCallback((id: string, e: { shiftKey: boolean }) => {
    const st = useStore.getState();
    const list = idsRef.current;
    const from = lastClicked.current;
    if (e.shiftKey && from && from !== id) {
      const a = list.indexOf(from);
      const b = list.indexOf(id);
      if (a >= 0 && b >= 0) {
        const range = list.slice(Math.min(a, b), Math.max(a, b) + 1);
        st.setSelected([...Object.keys(st.selected), ...range]);
        lastClicked.current = id;
        return;
      }
    }
    st.toggleSelected(id);
    lastClicked.current = id;
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = (e.target as HTMLElement | null)?.closest('input, select, textarea');
      if (e.key === '/' && !typing) {
        search.current?.focus();
        e.preventDefault();
      } else if (e.key === 'Escape' && !document.querySelector('[role="dialog"]')) {
        useStore.getState().clearSelected();
        if (typing === search.current) search.current?.blur();
      } else if ((e.ctrlKey || e.metaKey) && e.key === 'a' && !typing) {
        useStore.getState().setSelected(ids);
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ids]);

  const active = total - counts.discovered - counts.done - counts.failed - counts.stalled;
  const chip = (state: StateFilter, label: string, n: number, cls: string) => (
    <button
      type="button"
      className={`chip ${cls} ${filter.state === state ? 'on' : ''}`}
      data-testid={`count-${state}`}
      onClick={() => setFilter({ state: filter.state === state ? 'all' : state })}
    >
      {label} <strong>{n}</strong>
    </button>
  );

  return (
    <section className="page bench" data-testid="bench-page">
      <div className="bench-head">
        <h1>Bench</h1>
        <div className="chips">
          {chip('all', 'All', total, '')}
          {chip('discovered', 'Waiting', counts.discovered, 'state-discovered')}
          {chip('active', 'Working', active, 'state-provisioning')}
          {chip('failed', 'Failed', counts.failed, 'state-failed')}
          {chip('stalled', 'Stalled', counts.stalled, 'state-stalled')}
          {chip('done', 'Done', counts.done, 'state-done')}
        </div>
      </div>
      {(needsSetup || dhcpOff) && !bannerHidden ? (
        <p className="warning banner-row" data-testid="bench-dhcp-off">
          <span>
            {needsSetup
              ? 'No bench network is chosen yet: no PC can network-boot from this station.'
              : 'DHCP is off: no PC can network-boot from this station.'}{' '}
            <a href="#/services">Choose it in Services</a>.
          </span>
          <button
            type="button"
            className="link small"
            data-testid="bench-dhcp-hide"
            onClick={() => setPrefs({ dhcpBannerHidden: true })}
          >
            Hide
          </button>
        </p>
      ) : null}
      <BatchPanel />
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
        <div className="mtable" role="table" aria-rowcount={ids.length}>
          <div className={`mrow mhead ${density}`} role="row">
            <div className="cell sel" role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all shown"
                data-testid="select-all"
                checked={ids.length > 0 && ids.every((id) => selected[id])}
                onChange={(e) =>
                  e.target.checked
                    ? useStore.getState().setSelected(ids)
                    : useStore.getState().clearSelected()
                }
              />
            </div>
            <div className="cell" role="columnheader">
              Machine
            </div>
            <div className="cell" role="columnheader">
              MAC / IP
            </div>
            <div className="cell" role="columnheader">
              {density === 'compact' ? 'Profile' : 'Profile / customer'}
            </div>
            <div className="cell" role="columnheader">
              State
            </div>
            <div className="cell" role="columnheader">
              Step
            </div>
            <div className="cell" role="columnheader">
              Elapsed / ETA
            </div>
          </div>
          <div className="mscroll" ref={scroller} data-testid="machine-list">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((v) => (
                <div
                  key={v.key}
                  className="vrow"
                  style={{ transform: `translateY(${v.start}px)`, height: v.size }}
                >
                  <MachineRow
                    id={ids[v.index]!}
                    now={now}
                    estimates={estimates}
                    density={density}
                    onSelect={onSelect}
                  />
                </div>
              ))}
            </div>
          </div>
          <div className="muted small foot" data-testid="bench-shown">
            {ids.length === total ? `${total} machines` : `${ids.length} of ${total} machines`}
          </div>
        </div>
      )}
    </section>
  );
}
