import { useMemo } from 'react';
import type { MachineSummary } from '../../../main/api/contract';
import { modelLine } from '../bench/machine-row';
import {
  defaultFilter,
  displayName,
  stateCounts,
  stateLabels,
  visibleMachineIds,
  whyLine,
} from '../lib/bench-view';
import { etaFromRuns, osProgress } from '../lib/eta';
import { formatDuration } from '../lib/format';
import { useNow } from '../lib/use-now';
import { useStore } from '../store';
import { selectEstimates } from '../store/estimates';
import { selectMachines } from '../store/machines';
import { selectStreamLostAt } from '../store/session';

/**
 * For a monitor above the bench: every machine as a tile with its state and percentage in
 * type readable from across the room, failed and stalled first. No controls; #/wall opens
 * it without the navigation.
 */
export function WallPage() {
  const machines = useStore(selectMachines);
  const estimates = useStore(selectEstimates);
  const lostAt = useStore(selectStreamLostAt);
  const now = useNow(1000);
  const ids = useMemo(
    () => visibleMachineIds(machines, { ...defaultFilter, sort: 'attention' }, Date.now()),
    [machines],
  );
  const c = useMemo(() => stateCounts(machines), [machines]);
  const working = ids.length - c.discovered - c.done - c.failed - c.stalled;
  return (
    <section className="wall" data-testid="wall">
      <header className="wall-head">
        <span>PrepStation</span>
        <span className="wall-counts" data-testid="wall-counts">
          <b className="state-text-failed">{c.failed + c.stalled} need attention</b> · {working}{' '}
          working · {c.done} done · {c.discovered} waiting
        </span>
        {lostAt !== null ? (
          <span className="wall-down" role="alert">
            Station not answering
          </span>
        ) : null}
      </header>
      {ids.length === 0 ? (
        <p className="wall-empty">No machine yet: power on a PC with network boot.</p>
      ) : (
        <div className="wall-grid">
          {ids.map((id) => (
            <Tile
              key={id}
              m={machines[id]!}
              eta={etaFromRuns(machines[id]!, estimates, now)}
              percent={osProgress(machines[id]!, estimates, now)?.percent ?? machines[id]!.progress}
              now={now}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function Tile({
  m,
  eta,
  percent,
  now,
}: {
  m: MachineSummary;
  eta: number | null;
  percent: number;
  now: number;
}) {
  const why = whyLine(m, now);
  return (
    <div
      className={`tile state-row-${m.state}`}
      data-testid={`wall-tile-${m.id}`}
      data-state={m.state}
    >
      <div className="tile-name">{displayName(m)}</div>
      <div className="tile-model">{modelLine(m)}</div>
      <div className="tile-state">
        <span>{stateLabels[m.state]}</span>
        {m.state !== 'discovered' ? (
          <span className="tile-pct" data-testid="wall-percent">
            {Math.round(percent)}%
          </span>
        ) : null}
      </div>
      <div className="bar">
        <div className="fill" style={{ transform: `scaleX(${Math.min(100, percent) / 100})` }} />
      </div>
      <div className="tile-foot">
        {why ?? (m.step ? m.step : '')}
        {eta !== null && !why ? ` · ${eta === 0 ? 'any minute' : `~${formatDuration(eta)}`}` : ''}
      </div>
    </div>
  );
}
