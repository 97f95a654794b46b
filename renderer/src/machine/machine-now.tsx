import type { MachineSummary, MachineStep, MachineLogEntry } from '../../../main/api/contract';
import { modelLine } from '../bench/machine-row';
import { elapsedMs, stepLine, whyLine } from '../lib/bench-view';
import { etaFromRuns, osProgress } from '../lib/eta';
import { clock, formatDuration } from '../lib/format';
import { describeEntry } from '../lib/timeline-text';
import { useStore } from '../store';
import { selectEstimates } from '../store/estimates';
import { MachineActions } from './machine-actions';

/** Model, serial, MACs, address, profile and customer on one line. */
export function MachineFacts({ machine }: { machine: MachineSummary }) {
  return (
    <div className="facts">
      <span>{modelLine(machine) || 'Unknown model'}</span>
      <span className="mono">S/N {machine.serial ?? '—'}</span>
      <span className="mono">{machine.macs.join(', ')}</span>
      <span className="mono">{machine.ip ?? ''}</span>
      <span>
        {machine.profile ? (
          <a href={`#/profiles/${encodeURIComponent(machine.profile)}`}>{machine.profile}</a>
        ) : (
          'No profile'
        )}
        {machine.customer ? ` · ${machine.customer}` : ''}
      </span>
    </div>
  );
}

/** Where the machine is now: its step, progress or why it waits, times, ETA, the actions. */
export function NowCard({ machine, now }: { machine: MachineSummary; now: number }) {
  const estimates = useStore(selectEstimates);
  const why = whyLine(machine, now);
  const eta = etaFromRuns(machine, estimates, now);
  const os = osProgress(machine, estimates, now);
  return (
    <div className="card now-card">
      <div data-testid="machine-step-line">
        {stepLine(machine)}
        {os ? (
          <span data-testid="machine-os-percent">
            {' '}
            · {os.estimated ? 'about ' : ''}
            {Math.round(os.percent)}%{os.estimated ? ' (estimated from past runs)' : ''}
          </span>
        ) : null}
      </div>
      {why ? (
        <div className="why" data-testid="machine-why">
          {why}
        </div>
      ) : (
        <div className="bar">
          <div
            className="fill"
            style={{ transform: `scaleX(${(os ? os.percent : machine.progress) / 100})` }}
          />
        </div>
      )}
      <div className="small muted">
        {machine.startedAt
          ? `Started ${clock(machine.startedAt)} · ${formatDuration(elapsedMs(machine, now))}`
          : 'Not started'}
        {eta !== null ? (
          <span data-testid="machine-page-eta">
            {eta === 0
              ? ' · should finish any minute (past runs)'
              : ` · about ${formatDuration(eta)} left (from past runs, step by step)`}
          </span>
        ) : null}
        {machine.lastSeenAt ? ` · last word ${clock(machine.lastSeenAt)}` : ''}
      </div>
      <MachineActions machine={machine} />
    </div>
  );
}

/** The machine's milestones, oldest first, steps named by their label. */
export function MachineTimeline({
  timeline,
  steps,
}: {
  timeline: MachineLogEntry[];
  steps: MachineStep[];
}) {
  if (timeline.length === 0) {
    return (
      <p className="muted small" data-testid="timeline-empty">
        Nothing recorded yet.
      </p>
    );
  }
  const labelOf = (stepId: string) => steps.find((s) => s.id === stepId)?.label ?? stepId;
  return (
    <ol className="timeline" data-testid="timeline">
      {timeline.map((e) => (
        <li key={e.id} className={`tl tl-${e.kind}`}>
          <span className="mono small muted">{clock(e.at)}</span>{' '}
          <span>{describeEntry(e, labelOf)}</span>
        </li>
      ))}
    </ol>
  );
}
