import { memo } from 'react';
import { displayName, elapsedMs, etaMs, stepLine, whyLine } from '../lib/bench-view';
import { formatDuration } from '../lib/format';
import { go } from '../lib/route';
import { useStore } from '../store';
import { MachineStatePill } from './state-pill';

export const ROW_HEIGHT = 68;

/**
 * One dashboard row. It reads its own machine from the store, so a `machine` event
 * re-renders that row only; the list around it re-renders when the order changes.
 */
export const MachineRow = memo(function MachineRow({
  id,
  now,
  history,
  onSelect,
}: {
  id: string;
  now: number;
  history: Map<string, number[]>;
  onSelect: (id: string, e: { shiftKey: boolean }) => void;
}) {
  const m = useStore((s) => s.machines[id]);
  const selected = useStore((s) => s.selected[id] === true);
  if (!m) return null;
  const why = whyLine(m, now);
  const eta = etaMs(m, history, now);
  const open = () => go('bench', 'machine', id);
  return (
    <div
      className={`mrow state-row-${m.state} ${selected ? 'selected' : ''}`}
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
        <span className="muted small">
          {[m.vendor, m.model].filter(Boolean).join(' ') || 'Unknown model'}
          {m.serial && m.name ? ` · ${m.serial}` : ''}
        </span>
      </button>
      <div className="cell net mono small" role="cell">
        <span>{m.macs[0] ?? '—'}</span>
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
        <span className="step-line" data-testid="machine-step">
          {stepLine(m)}
        </span>
        {why ? (
          <span className="why" data-testid="machine-why">
            {why}
          </span>
        ) : (
          <div
            className="bar"
            role="progressbar"
            aria-valuenow={Math.round(m.progress)}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div
              className="fill"
              style={{ transform: `scaleX(${Math.min(100, Math.max(0, m.progress)) / 100})` }}
            />
          </div>
        )}
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
