import { useState } from 'react';
import type { MachineStep, StepStatus } from '../../../main/api/contract';
import { stepAction } from '../api/machines';
import { ActionNote } from '../components/action-note';
import { ConfirmDialog } from '../components/confirm';
import { between, clock, formatDuration } from '../lib/format';
import { outcome, useAction } from '../lib/use-action';
import { StepLogView } from './step-log-view';
import { useStepLog } from './use-step-log';

const statusLabels: Record<StepStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  succeeded: 'OK',
  failed: 'Failed',
  skipped: 'Skipped',
  interrupted: 'Interrupted',
};

/** Every step of the plan: start, end, duration, result, log tail; the full log on demand. */
export function StepList({
  machineId,
  deployment,
  steps,
  now,
  canAct,
}: {
  machineId: string;
  deployment: number;
  steps: MachineStep[];
  now: number;
  canAct: boolean;
}) {
  if (steps.length === 0) {
    return (
      <p className="empty" data-testid="steps-empty">
        No plan yet. The steps appear once the machine is assigned a profile.
      </p>
    );
  }
  return (
    <ol className="steps" data-testid="step-list">
      {steps.map((s, i) => (
        <StepItem
          key={s.id}
          n={i + 1}
          step={s}
          machineId={machineId}
          deployment={deployment}
          now={now}
          canAct={canAct}
        />
      ))}
    </ol>
  );
}

function StepItem({
  n,
  step,
  machineId,
  deployment,
  now,
  canAct,
}: {
  n: number;
  step: MachineStep;
  machineId: string;
  deployment: number;
  now: number;
  canAct: boolean;
}) {
  const [open, setOpen] = useState(
    step.status === 'failed' || step.status === 'running' || step.status === 'interrupted',
  );
  const [full, setFull] = useState(false);
  // A message belongs to the step as it was when acted on: a new status clears it.
  const action = useAction<'skip'>(step.status);
  const { busy } = action;
  const { log, error } = useStepLog(
    machineId,
    step.id,
    deployment,
    `${step.status}:${step.attempt}:${step.logTail.length}:${step.logTail.at(-1) ?? ''}`,
    open,
  );
  const duration =
    step.status === 'running'
      ? between(step.startedAt, new Date(now).toISOString())
      : between(step.startedAt, step.endedAt);

  // Success says nothing here: the step's new status shows it.
  const act = (what: 'retry' | 'skip') =>
    void action.run(async () => outcome(await stepAction(machineId, step.id, what), null));

  return (
    <li
      className={`step step-${step.status}`}
      data-testid={`step-${step.id}`}
      data-status={step.status}
    >
      <div className="step-head">
        <span className="step-n">{n}</span>
        <button
          type="button"
          className="link step-title"
          data-testid="step-title"
          onClick={() => setOpen(!open)}
        >
          {step.label}
        </button>
        <span className={`pill step-pill-${step.status}`} data-testid="step-status">
          {statusLabels[step.status]}
          {step.status === 'running' && step.percent !== null
            ? ` ${Math.round(step.percent)}%`
            : ''}
        </span>
        <span className="muted small mono">
          {clock(step.startedAt)} →{' '}
          {step.endedAt ? clock(step.endedAt) : step.status === 'running' ? 'now' : '—'}
        </span>
        <span className="small mono" data-testid="step-duration">
          {duration === null ? '' : formatDuration(duration)}
        </span>
        <span className="small muted">
          {step.exitCode !== null ? `exit ${step.exitCode}` : ''}
          {step.attempt > 1 ? ` · attempt ${step.attempt}` : ''}
        </span>
        {canAct && (step.status === 'failed' || step.status === 'interrupted') ? (
          <span className="step-actions">
            <button
              type="button"
              className="small-btn"
              data-testid="step-retry"
              disabled={busy}
              onClick={() => act('retry')}
            >
              Retry
            </button>
            <button
              type="button"
              className="small-btn secondary"
              data-testid="step-skip"
              disabled={busy}
              onClick={() => action.ask('skip')}
            >
              Skip…
            </button>
          </span>
        ) : null}
      </div>
      {step.message ? <div className="small step-msg">{step.message}</div> : null}
      <ActionNote message={action.message} as="div" className="small" testId="step-message" />
      {open ? (
        <div className="log-box">
          <StepLogView log={log} fallback={step.logTail} full={full} failed={error !== null} />
          {!full ? (
            <button
              type="button"
              className="link small"
              data-testid="step-full-log"
              onClick={() => setFull(true)}
            >
              Show the full log
            </button>
          ) : null}
          {error ? <span className="error small">{error}</span> : null}
        </div>
      ) : null}
      {action.pending ? (
        <ConfirmDialog
          title={`Skip "${step.label}"?`}
          body="The machine goes on with the next step, and the report will show this step as skipped, not done."
          confirmLabel="Skip this step"
          onCancel={action.cancel}
          onConfirm={() => act('skip')}
        />
      ) : null}
    </li>
  );
}
