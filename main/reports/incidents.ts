import type { MachineState } from '../api/contract.js';
import type { Entry, MachineView } from '../machines/types.js';
import { redactText } from './redact.js';
import type { ActionReport, FailureReport } from './types.js';

/**
 * Failures met in the deployment and what happened next: the agent's automatic retry,
 * the technician's retry or skip, marking the machine done, or nothing (yet).
 */
/** The technician's name where the UI sent one (issue 18), else the role. */
const who = (name: string | undefined): string => name ?? 'the technician';

export function incidents(
  dep: readonly Entry[],
  view: MachineView,
): { failures: FailureReport[]; actions: ActionReport[] } {
  const failures: FailureReport[] = [];
  const actions: ActionReport[] = [];
  const label = (id: string | null): string | null =>
    id ? (view.steps.find((s) => s.id === id)?.label ?? id) : null;
  const finalStatus = (id: string | null) => view.steps.find((s) => s.id === id)?.status;
  const technicianRetry = new Set<string>();

  dep.forEach((e, i) => {
    const d = e.data;
    switch (d.kind) {
      case 'assigned':
        if (d.by === 'reset') {
          actions.push({
            at: e.at,
            kind: 'reset',
            stepId: null,
            text: `Deployed again by ${who(d.technician)} (deployment ${e.deployment})`,
          });
        }
        break;
      case 'step':
        if (d.status === 'started' && d.attempt > 1 && !technicianRetry.has(d.stepId)) {
          actions.push({
            at: e.at,
            kind: 'automatic-retry',
            stepId: d.stepId,
            text: `${label(d.stepId)}: attempt ${d.attempt} started by the agent`,
          });
        }
        if (d.status === 'started') technicianRetry.delete(d.stepId);
        if (d.status === 'failed') {
          failures.push({
            at: e.at,
            stepId: d.stepId,
            step: label(d.stepId),
            attempt: d.attempt,
            exitCode: d.exitCode ?? null,
            reason: redactText(d.message ?? 'the step failed'),
            resolution: resolutionOf(dep.slice(i + 1), d.stepId, finalStatus(d.stepId), view.state),
          });
        }
        break;
      case 'failed':
        failures.push({
          at: e.at,
          stepId: d.stepId,
          step: label(d.stepId),
          attempt: null,
          exitCode: null,
          reason: redactText(d.reason),
          resolution: resolutionOf(dep.slice(i + 1), d.stepId, finalStatus(d.stepId), view.state),
          ...(d.logTail?.length ? { log: d.logTail.slice(-12).map(redactText) } : {}),
        });
        break;
      case 'retry-step':
        technicianRetry.add(d.stepId);
        actions.push({
          at: e.at,
          kind: 'technician-retry',
          stepId: d.stepId,
          text: `${label(d.stepId)}: retried by ${who(d.technician)}`,
        });
        break;
      case 'skip-step':
        actions.push({
          at: e.at,
          kind: 'technician-skip',
          stepId: d.stepId,
          text: `${label(d.stepId)}: skipped by ${who(d.technician)}`,
        });
        break;
      case 'done':
        if (d.by === 'technician') {
          actions.push({
            at: e.at,
            kind: 'technician-done',
            stepId: null,
            text: `Machine marked done by ${who(d.technician)}`,
          });
        }
        break;
      case 'stalled':
        actions.push({
          at: e.at,
          kind: 'stalled',
          stepId: null,
          text: `No word from the machine since ${d.silentSince}`,
        });
        break;
      case 'resumed':
        actions.push({
          at: e.at,
          kind: 'resumed',
          stepId: null,
          text: 'The machine was heard from again',
        });
        break;
      default:
        break;
    }
  });
  return { failures, actions };
}

function resolutionOf(
  after: readonly Entry[],
  stepId: string | null,
  finalStatus: string | undefined,
  machineState: MachineState,
): string {
  const outcome =
    finalStatus === 'succeeded'
      ? '; the step then succeeded'
      : finalStatus === 'skipped'
        ? '; the step ended skipped'
        : '';
  for (const e of after) {
    const d = e.data;
    if (stepId && d.kind === 'step' && d.stepId === stepId && d.status === 'started') {
      return `Retried automatically (attempt ${d.attempt})${outcome}`;
    }
    if (stepId && d.kind === 'retry-step' && d.stepId === stepId)
      return `Retried by ${who(d.technician)}${outcome}`;
    if (stepId && d.kind === 'skip-step' && d.stepId === stepId)
      return `Skipped by ${who(d.technician)}`;
    if (d.kind === 'done' && d.by === 'technician')
      return `Machine marked done by ${who(d.technician)}`;
    if (d.kind === 'step' && d.status === 'started' && !stepId)
      return 'The agent went on after the error';
  }
  return machineState === 'failed' ? 'Not resolved: the machine stopped here' : 'Not resolved yet';
}
