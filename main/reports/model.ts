import type { MachineState } from '../api/contract.js';
import { windowsInstallReport } from './windows-install.js';
import { applyEntry, newView } from '../machines/state.js';
import type { Entry, MachineView, StepView } from '../machines/types.js';
import { appVersion, stepDetails } from './details.js';
import { incidents } from './incidents.js';
import { redactLines, redactText } from './redact.js';
import {
  REPORT_FORMAT_VERSION,
  type BatchInfo,
  type CheckReport,
  type HardwareReport,
  type MachineReport,
  type PreviousDeployment,
  type Report,
  type ReportStatus,
  type ShopSettings,
  type StepAttempt,
  type StepReport,
} from './types.js';

/**
 * The report model, pure: a machine's event log (every entry, in order, as stored in
 * machine_events) becomes a MachineReport. State is replayed with the same applyEntry the
 * registry uses, so the report and the dashboard cannot disagree on what happened; the
 * rest (attempts, failures, what was done about them) is read from the entries themselves.
 */

export interface MachineReportOptions {
  now: Date;
  /** Report the last deployment made by this batch (default: the machine's latest). */
  batch?: string;
}

const EVIDENCE_LINES = 8;

function seconds(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const s = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(s) && s >= 0 ? Math.round(s) : null;
}

/** The deployment a report is about, or null when the machine never got one in scope. */
export function reportDeployment(entries: readonly Entry[], batch?: string): number | null {
  let found: number | null = null;
  for (const e of entries) {
    if (e.data.kind !== 'assigned') continue;
    if (batch === undefined || e.data.batch === batch) found = e.deployment;
  }
  if (found === null && batch === undefined) return entries.length ? 0 : null;
  return found;
}

export function machineReport(
  entries: readonly Entry[],
  opts: MachineReportOptions,
): MachineReport {
  if (entries.length === 0) throw new Error('a machine report needs at least one log entry');
  const target = reportDeployment(entries, opts.batch) ?? 0;
  let view: MachineView = newView(entries[0]!.machineId, entries[0]!.at);
  const previous: PreviousDeployment[] = [];
  for (const e of entries) {
    if (e.deployment > target) break;
    if (e.data.kind === 'assigned' && view.deployment > 0) {
      previous.push({
        deployment: view.deployment,
        profile: view.profile ?? '',
        profileVersion: view.profileVersion,
        startedAt: view.startedAt ?? view.createdAt,
        endState: view.state,
        failure: view.failure ? redactText(view.failure.reason) : null,
      });
    }
    view = applyEntry(view, e);
  }
  const dep = entries.filter((e) => e.deployment === target && target > 0);
  const now = opts.now.toISOString();
  const first = (kind: Entry['data']['kind']): string | null =>
    dep.find((e) => e.data.kind === kind)?.at ?? null;
  const last = (kind: Entry['data']['kind']): string | null =>
    dep.findLast((e) => e.data.kind === kind)?.at ?? null;

  const status = statusOf(view.state);
  const inProgress = status !== 'done' && status !== 'failed';
  const startedAt = view.startedAt;
  const endedAt =
    view.state === 'done' ? last('done') : view.state === 'failed' ? lastFailureAt(dep) : null;

  const steps = view.steps.map((s, i) => stepReport(s, i + 1, dep));
  const { failures, actions } = incidents(dep, view);
  const done = view.steps.filter((s) => s.status === 'succeeded').length;
  const inv = view.inventory ?? {};

  return {
    id: view.id,
    name: view.name,
    state: view.state,
    status,
    inProgress,
    statusText: statusText(view, status, dep),
    deployment: view.deployment,
    profile: view.profile
      ? { id: view.profile, name: view.profileName, version: view.profileVersion }
      : null,
    customer: view.customer,
    batch: view.batch,
    assignedBy: view.assignedBy,
    hardware: hardwareOf(view, inv),
    os: { name: str(inv.os), version: str(inv.osVersion) },
    agentVersion: str(inv.agentVersion),
    windowsInstall: windowsInstallReport(dep),
    timing: {
      startedAt,
      bootedAt: first('booting'),
      osInstallStartedAt: first('installing-os'),
      agentStartedAt: first('provisioning'),
      endedAt,
      totalSeconds: seconds(startedAt, endedAt ?? (startedAt ? now : null)),
    },
    counts: {
      total: steps.length,
      succeeded: done,
      failed: view.steps.filter((s) => s.status === 'failed').length,
      skipped: view.steps.filter((s) => s.status === 'skipped').length,
      pending: view.steps.filter((s) => s.status === 'pending' || s.status === 'running').length,
    },
    steps,
    failures,
    actions,
    previousDeployments: previous,
  };
}

function statusOf(state: MachineState): ReportStatus {
  switch (state) {
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
    case 'stalled':
      return 'stalled';
    case 'discovered':
    case 'assigned':
      return 'not-started';
    default:
      return 'in-progress';
  }
}

function lastFailureAt(dep: readonly Entry[]): string | null {
  return (
    dep.findLast((e) => e.data.kind === 'failed' || (e.data.kind === 'step' && e.data.final))?.at ??
    null
  );
}

function statusText(view: MachineView, status: ReportStatus, dep: readonly Entry[]): string {
  const done = view.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  const of = `${done} of ${view.steps.length} steps done`;
  switch (status) {
    case 'done': {
      const by = dep.findLast((e) => e.data.kind === 'done');
      return by?.data.kind === 'done' && by.data.by === 'technician'
        ? `Done (marked done by the technician; ${of})`
        : 'Done';
    }
    case 'failed':
      return `Failed${view.failure?.step ? ` at "${view.failure.step}"` : ''}: ${redactText(view.failure?.reason ?? 'no reason given')}`;
    case 'stalled':
      return `In progress, but no word from the machine since ${view.lastSeenAt ?? 'it started'} (${of})`;
    case 'not-started':
      return view.state === 'discovered'
        ? 'Not started: no profile assigned yet'
        : 'Not started: waiting for the machine to network boot';
    case 'in-progress': {
      const running = view.steps.find((s) => s.status === 'running');
      const phase =
        running?.label ??
        (view.state === 'booting'
          ? 'booting the installer'
          : view.state === 'installing-os'
            ? 'installing the operating system'
            : view.state);
      return `In progress: ${phase} (${of})`;
    }
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function hardwareOf(view: MachineView, inv: Record<string, unknown>): HardwareReport {
  const disks = Array.isArray(inv.disks) ? (inv.disks as Record<string, unknown>[]) : [];
  return {
    vendor: view.vendor,
    model: view.model,
    serial: view.serial,
    uuid: view.uuid,
    macs: view.macs,
    cpu: str(inv.cpu),
    cores: num(inv.cores),
    ramBytes: num(inv.ramBytes),
    disks: disks
      .filter((d) => d && typeof d === 'object')
      .map((d) => ({
        name: str(d.name) ?? '',
        model: str(d.model),
        sizeBytes: num(d.sizeBytes) ?? 0,
      })),
    bios: str(inv.bios),
    hostname: str(inv.hostname),
  };
}

/** Each attempt of a step, from its `step` entries in this deployment. */
function attemptsOf(stepId: string, dep: readonly Entry[]): StepAttempt[] {
  const out: StepAttempt[] = [];
  for (const e of dep) {
    const d = e.data;
    // The machine failed outside any step (fatal): the attempt that was running ends there.
    if (d.kind === 'failed' && d.stepId !== stepId) {
      const open = out.findLast((x) => x.result === 'running' && x.endedAt === null);
      if (open) {
        open.result = 'interrupted';
        open.endedAt = e.at;
        open.message = `interrupted: ${redactText(d.reason)}`;
        open.durationSeconds = seconds(open.startedAt, open.endedAt);
      }
      continue;
    }
    if (d.kind !== 'step' || d.stepId !== stepId) continue;
    const message = d.message ? redactText(d.message) : null;
    if (d.status === 'started') {
      out.push({
        attempt: d.attempt,
        result: 'running',
        startedAt: e.at,
        endedAt: null,
        durationSeconds: null,
        exitCode: null,
        message,
      });
      continue;
    }
    let a = out.findLast((x) => x.attempt === d.attempt && x.endedAt === null);
    if (!a) {
      a = {
        attempt: d.attempt,
        result: 'running',
        startedAt: null,
        endedAt: null,
        durationSeconds: null,
        exitCode: null,
        message: null,
      };
      out.push(a);
    }
    a.result = d.status;
    a.endedAt = e.at;
    a.exitCode = d.exitCode ?? null;
    a.message = message ?? a.message;
    a.durationSeconds = seconds(a.startedAt, a.endedAt);
  }
  return out;
}

/** The evidence of the step's last verdict (succeeded or failed) that carried one. */
function checkOf(stepId: string, dep: readonly Entry[]): CheckReport | null {
  for (let i = dep.length - 1; i >= 0; i--) {
    const d = dep[i]!.data;
    if (d.kind !== 'step' || d.stepId !== stepId) continue;
    if (d.status !== 'succeeded' && d.status !== 'failed') continue;
    if (!d.check) return null;
    return {
      expected: redactText(d.check.expected),
      actual: redactText(d.check.actual),
      result: d.check.pass ? 'PASS' : 'FAIL',
    };
  }
  return null;
}

function stepReport(s: StepView, order: number, dep: readonly Entry[]): StepReport {
  const history = attemptsOf(s.id, dep);
  const lastAttempt = history.at(-1);
  const message = s.message ? redactText(s.message) : null;
  // The agent's last word on the step stays evidence even after a technician's skip.
  const said = [...new Set([lastAttempt?.message, message].filter((x): x is string => !!x))];
  // A tail sent both as log lines and with the result would otherwise print twice.
  const tail = [...new Set(redactLines(s.logTail))].filter((l) => !said.includes(l));
  const evidence =
    s.kind === 'check' || s.status === 'failed' ? [...said, ...tail.slice(-EVIDENCE_LINES)] : [];
  return {
    order,
    id: s.id,
    kind: s.kind,
    type: s.plan.type,
    label: s.label,
    status: s.status,
    attempts: history.filter((a) => a.startedAt !== null).length || history.length,
    exitCode: s.exitCode,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationSeconds: lastAttempt ? lastAttempt.durationSeconds : seconds(s.startedAt, s.endedAt),
    message,
    version: s.kind === 'app' ? appVersion(s.plan, s.message) : null,
    installer: s.plan.download
      ? { file: s.plan.download.name, sha256: s.plan.download.sha256 }
      : null,
    details: stepDetails(s.plan),
    evidence,
    check: s.kind === 'check' ? checkOf(s.id, dep) : null,
    history,
  };
}

/** The whole report around one machine or a batch of them. */
export function buildReport(input: {
  machines: MachineReport[];
  batch: BatchInfo | null;
  shop: ShopSettings;
  technician?: string | null;
  now: Date;
  stationVersion: string;
}): Report {
  const ms = input.machines;
  const customers = [...new Set(ms.map((m) => m.customer).filter((c): c is string => !!c))];
  const starts = ms
    .map((m) => m.timing.startedAt)
    .filter((x): x is string => !!x)
    .sort();
  const ends = ms
    .map((m) => m.timing.endedAt)
    .filter((x): x is string => !!x)
    .sort();
  const count = (s: ReportStatus): number => ms.filter((m) => m.status === s).length;
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    kind: input.batch ? 'batch' : 'machine',
    generatedAt: input.now.toISOString(),
    station: { version: input.stationVersion },
    shop: { name: input.shop.name, address: input.shop.address },
    customer: customers.length ? customers.join(', ') : null,
    technician: input.technician?.trim() || input.shop.technician,
    batch: input.batch,
    period: { from: starts[0] ?? null, to: ends.at(-1) ?? null },
    totals: {
      machines: ms.length,
      done: count('done'),
      failed: count('failed'),
      inProgress: count('in-progress'),
      stalled: count('stalled'),
      notStarted: count('not-started'),
      steps: ms.reduce((n, m) => n + m.counts.total, 0),
      stepsFailed: ms.reduce((n, m) => n + m.counts.failed, 0),
      stepsSkipped: ms.reduce((n, m) => n + m.counts.skipped, 0),
      failuresRecorded: ms.reduce((n, m) => n + m.failures.length, 0),
    },
    machines: ms,
  };
}
