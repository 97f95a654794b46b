import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useNow } from '../lib/use-now';
import { useStore } from '../store';
import { selectExpanded, selectSelected } from '../store/bench-ui';
import { selectEstimates } from '../store/estimates';
import { selectDensity, selectLargeText } from '../store/ui-prefs';
import { MachineRow, rowHeight } from './machine-row';

/**
 * The machine list: a header, the rows (virtualized: 500 machines stay smooth) and how
 * many are shown. Rows read their own machine from the store.
 */
export function MachineTable({
  ids,
  total,
  onSelect,
}: {
  ids: string[];
  total: number;
  onSelect: (id: string, e: { shiftKey: boolean }) => void;
}) {
  const selected = useStore(selectSelected);
  const density = useStore(selectDensity);
  const largeText = useStore(selectLargeText);
  const expanded = useStore(selectExpanded);
  const estimates = useStore(selectEstimates);
  // The clock in rows ticks on its own; the order is recomputed on every batch (bench page).
  const now = useNow(1000);
  const scroller = useRef<HTMLDivElement>(null);
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

  const head = (label: string) => (
    <div className="cell" role="columnheader">
      {label}
    </div>
  );
  return (
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
        {head('Machine')}
        {head('MAC / IP')}
        {head(density === 'compact' ? 'Profile' : 'Profile / customer')}
        {head('State')}
        {head('Step')}
        {head('Elapsed / ETA')}
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
  );
}
