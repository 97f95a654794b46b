import { useEffect, useState } from 'react';
import { fetchMachine, fetchTimeline } from '../api/machines';
import { modelLine } from '../bench/machine-row';
import { MachineStatePill } from '../bench/state-pill';
import { displayName, elapsedMs, stepLine, whyLine } from '../lib/bench-view';
import { etaFromRuns, osProgress } from '../lib/eta';
import { clock, formatDuration } from '../lib/format';
import { describeEntry, isMilestone } from '../lib/timeline-text';
import { useNow } from '../lib/use-now';
import { useStore } from '../store';
import { selectEstimates } from '../store/estimates';
import { selectOpenMachine } from '../store/machine-detail';
import { selectMachine } from '../store/machines';
import { MachineActions } from './machine-actions';
import { RenderedView } from './rendered-view';
import { StepList } from './step-list';
import { FailureCard } from './failure-card';
import { InventoryView } from './inventory-view';

/** One machine: where it is, every step with its log, its inventory, what it is given. */
export function MachinePage({ id }: { id: string }) {
  const machine = useStore(selectMachine(id));
  const open = useStore(selectOpenMachine);
  const estimates = useStore(selectEstimates);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(1000);

  // Reload the detail on a new deployment: steps are per deployment.
  const deployment = machine?.deployment;
  useEffect(() => {
    let live = true;
    const st = useStore.getState();
    void (async () => {
      const r = await fetchMachine(id);
      if (!live) return;
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      setError(null);
      const t = await fetchTimeline(id);
      if (!live) return;
      if (!st.machines[id]) st.setMachines([...Object.values(st.machines), r.value.machine]);
      st.setOpenMachine({
        id,
        steps: r.value.steps,
        inventory: r.value.inventory,
        // The one pass over the whole log: the store keeps milestones only from here on.
        timeline: t.ok ? t.value.filter(isMilestone) : [],
      });
    })();
    return () => {
      live = false;
    };
  }, [id, deployment]);
  useEffect(() => () => useStore.getState().setOpenMachine(null), []);

  if (error && !machine) {
    return (
      <section className="page" data-testid="machine-page">
        <p>
          <a href="#/bench">← Bench</a>
        </p>
        <p className="error" role="alert">
          {error}
        </p>
      </section>
    );
  }
  if (!machine) return <p className="muted">Loading the machine…</p>;

  const detail = open?.id === id ? open : null;
  const labelOf = (stepId: string) => detail?.steps.find((s) => s.id === stepId)?.label ?? stepId;
  const why = whyLine(machine, now);
  const eta = etaFromRuns(machine, estimates, now);
  const os = osProgress(machine, estimates, now);
  const timeline = detail?.timeline ?? [];

  return (
    <section className="page machine" data-testid="machine-page">
      <p className="crumbs">
        <a href="#/bench" data-testid="back-to-bench">
          ← Bench
        </a>
      </p>
      <div className="machine-head">
        <h1 data-testid="machine-title">{displayName(machine)}</h1>
        <MachineStatePill state={machine.state} />
      </div>
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
      <FailureCard machine={machine} timeline={timeline} />

      <div className="machine-grid">
        <div>
          <h2>Steps</h2>
          {detail ? (
            <StepList
              machineId={id}
              deployment={machine.deployment}
              steps={detail.steps}
              now={now}
              canAct={machine.state === 'failed' || machine.state === 'stalled'}
            />
          ) : (
            <p className="muted">Loading steps…</p>
          )}
          <h2>Timeline</h2>
          {timeline.length === 0 ? (
            <p className="muted small" data-testid="timeline-empty">
              Nothing recorded yet.
            </p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {timeline.map((e) => (
                <li key={e.id} className={`tl tl-${e.kind}`}>
                  <span className="mono small muted">{clock(e.at)}</span>{' '}
                  <span>{describeEntry(e, labelOf)}</span>
                </li>
              ))}
            </ol>
          )}
        </div>
        <div>
          <h2>Inventory</h2>
          {detail?.inventory ? (
            <InventoryView data={detail.inventory} />
          ) : (
            <p className="muted small" data-testid="inventory-empty">
              The agent uploads the inventory (CPU, RAM, disks, OS) once it runs on the machine.
            </p>
          )}
          <h2>What it is given</h2>
          <RenderedView machine={machine} steps={detail?.steps ?? []} />
        </div>
      </div>
    </section>
  );
}
