import type { MachineDetail, MachineState, MachineStep, MachineSummary } from '../api/contract.js';
import { winpeDriverWarning } from './winpe-progress.js';
import { assertNever } from '../util/assert-never.js';
import type { MachineView, StepView } from './types.js';

/** What a dashboard row says a machine is doing when no step is running. */
function stateLabel(state: MachineState): string {
  switch (state) {
    case 'discovered':
      return 'Waiting to be assigned a profile';
    case 'assigned':
      return 'Assigned; waiting for it to network boot';
    case 'booting':
      return 'Booting the installer';
    case 'installing-os':
      return 'Installing the operating system';
    case 'provisioning':
      return 'Waiting for the agent';
    case 'verifying':
      return 'Verifying';
    case 'done':
      return 'Done';
    case 'failed':
      return 'Failed';
    case 'stalled':
      return 'No word from the machine';
    default:
      return assertNever(state);
  }
}

function currentStep(view: MachineView): StepView | undefined {
  return (
    view.steps.find((s) => s.status === 'running') ??
    view.steps.find((s) => s.status === 'failed') ??
    undefined
  );
}

export function stepOf(s: StepView): MachineStep {
  return {
    id: s.id,
    kind: s.kind,
    label: s.label,
    status: s.status,
    attempt: s.attempt,
    retries: s.retries,
    percent: s.percent === null ? null : Math.round(s.percent),
    exitCode: s.exitCode,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    message: s.message,
    logTail: s.logTail,
  };
}

export function summarize(view: MachineView): MachineSummary {
  const done = view.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  const total = view.steps.length;
  const cur = currentStep(view);
  let progress = 0;
  if (view.state === 'done') progress = 100;
  else if (total > 0) {
    const partial = cur?.status === 'running' ? (cur.percent ?? 0) / 100 : 0;
    progress = Math.min(99, Math.floor((100 * (done + partial)) / total));
  }
  // The Windows install in WinPE is not a plan step: its own message and bar.
  const inWinpe = view.state === 'installing-os' && view.winpe !== null;
  if (inWinpe) progress = view.winpe!.percent;
  const label = inWinpe
    ? view.winpe!.message
    : view.state === 'done' || view.state === 'failed' || !cur
      ? stateLabel(view.state)
      : cur.status === 'running'
        ? cur.label
        : stateLabel(view.state);
  return {
    id: view.id,
    name: view.name,
    macs: view.macs,
    uuid: view.uuid,
    serial: view.serial,
    vendor: view.vendor,
    model: view.model,
    ip: view.ip,
    state: view.state,
    stalledIn: view.stalledIn,
    profile: view.profile,
    profileVersion: view.profileVersion,
    customer: view.customer,
    batch: view.batch,
    deployment: view.deployment,
    step: view.state === 'failed' && view.failure?.step ? view.failure.step : label,
    stepId: cur?.id ?? null,
    stepsDone: done,
    stepsTotal: total,
    progress,
    startedAt: view.startedAt,
    updatedAt: view.updatedAt,
    lastSeenAt: view.lastSeenAt,
    stateSince: view.stateSince,
    stepStartedAt: cur?.status === 'running' ? cur.startedAt : null,
    osPercent: view.osPercent,
    failure: view.failure,
    bootHint: view.bootHint,
    driverWarning: winpeDriverWarning(view),
  };
}

export function detailOf(view: MachineView): MachineDetail {
  return { machine: summarize(view), steps: view.steps.map(stepOf), inventory: view.inventory };
}
