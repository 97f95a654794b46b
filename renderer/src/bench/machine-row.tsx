import { memo } from 'react';
import type { MachineSummary, RunEstimates } from '../../../main/api/contract';
import { etaFromRuns, osProgress } from '../lib/eta';
import type { Density } from '../store/ui-prefs';
import { displayName, elapsedMs, stepLine, whyLine } from '../lib/bench-view';
import { formatDuration } from '../lib/format';
import { go } from '../lib/route';
import { useStore } from '../store';
import { selectIsExpanded, selectIsSelected } from '../store/bench-ui';
import { selectMachine } from '../store/machines';
import { MachineStatePill } from './state-pill';

/** Row heights per density; large text makes every row taller. */
export function rowHeight(density: Density, largeText: boolean, expanded: boolean): number {
  if (expanded) return largeText ? 132 : 108;
  if (density === 'compact') return largeText ? 36 : 29;
  return largeText ? 84 : 68;
}

/** Vendor and model, without the vendor twice ("HP" + "HP ProBook 450" is "HP ProBook 450"). */
export function modelLine(m: Pick<MachineSummary, 'vendor' | 'model'>): string {
  const vendor = m.vendor?.trim() ?? '';
  const model = m.model?.trim() ?? '';
  if (vendor && model.toLowerCase().startsWith(vendor.toLowerCase())) return model;
  return [vendor, model].filter(Boolean).join(' ');
}

/**
 * One dashboard row. It reads its own machine from the store, so a `machine` event
 * re-renders that row only; the list around it re-renders when the order changes.
 */
export const MachineRow = memo(function MachineRow({
  id,
  now,
  estimates,
  density,
  onSelect,
}: {
  id: string;
  now: number;
  /** Typical durations of past runs, for the ETA and the OS install's estimated progress. */
  estimates: RunEstimates | null;
  density: Density;
  onSelect: (id: string, e: { shiftKey: boolean }) => void;
}) {
  const m = useStore(selectMachine(id));
  const selected = useStore(selectIsSelected(id));
  const expanded = useStore(selectIsExpanded(id));
  if (!m) return null;
  const why = whyLine(m, now);
  const eta = etaFromRuns(m, estimates, now);
  const os = osProgress(m, estimates, now);
  const percent = os ? os.percent : m.progress;
  const line = os
    ? `Installing the OS · ${os.estimated ? '~' : ''}${Math.round(os.percent)}%`
    : stepLine(m);
  const open = () => go('bench', 'machine', id);
  const toggle = () => useStore.getState().toggleExpanded(id);
  const full = why ? [why, m.failure?.fix ? `Fix: ${m.failure.fix}` : ''].filter(Boolean) : [];
  return (
    <div
      className={`mrow ${density} state-row-${m.state} ${selected ? 'selected' : ''} ${expanded ? 'expanded' : ''}`}
      data-testid={`machine-row-${id}`}
      data-state={m.state}
      role="row"
      aria-selected={selected}
    >
      <div className="cell sel" role="cell">
        <input
          type="checkbox"
          aria-label={`Select ${displayName(m)}`}
          data-testid="machine-select"
          checked={selected}
          onChange={() => undefined}
          onClick={(e) => onSelect(id, e)}
        />
      </div>
      <button type="button" className="cell who link-cell" role="cell" onClick={open}>
        <strong data-testid="machine-name">{displayName(m)}</strong>
        <span className="muted small" data-testid="machine-model">
          {modelLine(m) || (density === 'compact' ? '' : 'Unknown model')}
          {m.serial && m.name ? ` · ${m.serial}` : ''}
        </span>
      </button>
      <div className="cell net mono small" role="cell">
        <span data-testid="machine-mac">{m.macs[0] ?? '—'}</span>
        <span className="muted">{m.ip ?? ''}</span>
      </div>
      <div className="cell prof" role="cell">
        <span data-testid="machine-profile">{m.profile ?? <span className="muted">—</span>}</span>
        <span className="muted small">{m.customer ?? ''}</span>
      </div>
      <div className="cell st" role="cell">
        <MachineStatePill state={m.state} />
      </div>
      <div className="cell c-step" role="cell">
        <span className="step-line" data-testid="machine-step" title={line}>
          {line}
        </span>
        {why ? (
          <button
            type="button"
            className="why link-like"
            data-testid="machine-why"
            title={`${full.join('\n')}\n(click to ${expanded ? 'fold' : 'unfold'})`}
            aria-expanded={expanded}
            onClick={toggle}
          >
            {why}
          </button>
        ) : m.state === 'discovered' ? null : (
          <div
            className="bar"
            role="progressbar"
            aria-valuenow={Math.round(percent)}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div
              className="fill"
              style={{ transform: `scaleX(${Math.min(100, Math.max(0, percent)) / 100})` }}
            />
          </div>
        )}
        {expanded && m.failure?.fix ? (
          <span className="fix small" data-testid="machine-fix">
            Fix: {m.failure.fix}
          </span>
        ) : null}
      </div>
      <div className="cell time small" role="cell">
        <span data-testid="machine-elapsed">
          {m.startedAt ? formatDuration(elapsedMs(m, now)) : '—'}
        </span>
        <span className="muted" data-testid="machine-eta">
          {eta === null ? '' : eta === 0 ? 'any minute' : `~${formatDuration(eta)} left`}
        </span>
      </div>
    </div>
  );
});
