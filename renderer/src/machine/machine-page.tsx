import { MachineStatePill } from '../bench/state-pill';
import { displayName } from '../lib/bench-view';
import { useNow } from '../lib/use-now';
import { useStore } from '../store';
import { selectMachine } from '../store/machines';
import { FailureCard } from './failure-card';
import { InventoryView } from './inventory-view';
import { MachineFacts, MachineTimeline, NowCard } from './machine-now';
import { RenderedView } from './rendered-view';
import { StepList } from './step-list';
import { useMachineDetail } from './use-machine-detail';

/** One machine: where it is, every step with its log, its inventory, what it is given. */
export function MachinePage({ id }: { id: string }) {
  const machine = useStore(selectMachine(id));
  const { detail, error } = useMachineDetail(id, machine?.deployment);
  const now = useNow(1000);

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
      <MachineFacts machine={machine} />
      <NowCard machine={machine} now={now} />
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
          <MachineTimeline timeline={timeline} steps={detail?.steps ?? []} />
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
