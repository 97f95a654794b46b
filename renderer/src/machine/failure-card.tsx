import type { MachineLogEntry, MachineSummary } from '../../../main/api/contract';
import { machineAction, stepAction } from '../api/machines';
import { ActionNote } from '../components/action-note';
import { outcome, useAction } from '../lib/use-action';

/**
 * Why the machine failed, what to do about it, and the log it sent with the failure (a
 * fatal agent error carries its own lines, e.g. SMART output, outside any step).
 */
export function FailureCard({
  machine,
  timeline,
}: {
  machine: MachineSummary;
  /** Its milestones (the store keeps no progress or log lines there): a few dozen entries. */
  timeline: MachineLogEntry[];
}) {
  const action = useAction();
  const f = machine.failure;
  if (machine.state !== 'failed' || !f) return null;
  const entry = timeline.findLast(
    (e) => e.kind === 'failed' && e.deployment === machine.deployment,
  );
  const tail = Array.isArray(entry?.data.logTail) ? (entry.data.logTail as string[]) : [];
  // A failure outside any step has nothing to retry in place: the deployment starts over
  // (a PC held before its installer started has not been touched).
  const retry = () =>
    void action.run(async () =>
      outcome(
        f.stepId
          ? await stepAction(machine.id, f.stepId, 'retry')
          : await machineAction(machine.id, 'reset'),
        null,
      ),
    );
  return (
    <div className="card failure-card" data-testid="failure-card" role="alert">
      <strong>{f.step ? `Failed at ${f.step}` : 'The machine failed'}</strong>
      <div data-testid="failure-reason">{f.reason}</div>
      {f.fix ? (
        <div className="fix" data-testid="failure-fix">
          Fix: {f.fix}
        </div>
      ) : null}
      {tail.length > 0 ? (
        <pre className="log" data-testid="failure-log">
          {tail.join('\n')}
        </pre>
      ) : null}
      <button type="button" data-testid="failure-retry" disabled={action.busy} onClick={retry}>
        Retry
      </button>
      <ActionNote message={action.message} className="small" />
    </div>
  );
}
