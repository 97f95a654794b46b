import type { MachineState } from '../api/contract.js';
import { limits } from '../agent/protocol.js';
import { OS_STEP_ID } from './estimates.js';
import type { Entry, EntryData, MachineView, StepView } from './types.js';
import { nextWinpeView, winpeFailureFix, winpeFailureReason } from './winpe-progress.js';
import { assertNever } from '../util/assert-never.js';

/**
 * The machine state machine, pure: `applyEntry(view, entry)` is the only way state
 * changes, and the registry refuses an entry whose resulting move is not in TRANSITIONS.
 */
export const activeStates: readonly MachineState[] = [
  'booting',
  'installing-os',
  'provisioning',
  'verifying',
];

/**
 * Legal moves. `assigned` is reachable from everywhere but discovered-by-itself because
 * reassign and reset start a new deployment from any state. Staying in a state is never a
 * transition and always allowed.
 */
export const TRANSITIONS: Readonly<Record<MachineState, readonly MachineState[]>> = {
  discovered: ['assigned'],
  assigned: ['assigned', 'booting', 'installing-os', 'provisioning', 'failed', 'done'],
  booting: ['assigned', 'installing-os', 'provisioning', 'failed', 'stalled', 'done'],
  'installing-os': ['assigned', 'provisioning', 'failed', 'stalled', 'done'],
  provisioning: ['assigned', 'verifying', 'failed', 'stalled', 'done'],
  verifying: ['assigned', 'provisioning', 'failed', 'stalled', 'done'],
  failed: ['assigned', 'provisioning', 'verifying', 'done'],
  stalled: ['assigned', 'booting', 'installing-os', 'provisioning', 'verifying', 'failed', 'done'],
  done: ['assigned'],
};

export function canTransition(from: MachineState, to: MachineState): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** Entries that are the machine's own word (they keep it from being stalled). */
const FROM_MACHINE = new Set<EntryData['kind']>([
  'discovered',
  'booting',
  'installing-os',
  'provisioning',
  'step',
  'progress',
  'log',
  'inventory',
  'duplicate',
  'answer-file',
  'secret-fetched',
  'winpe',
]);

export function newView(id: string, at: string): MachineView {
  return {
    id,
    createdAt: at,
    name: null,
    macs: [],
    uuid: null,
    serial: null,
    vendor: null,
    model: null,
    ip: null,
    bootIp: null,
    bootPlatform: null,
    bootHint: null,
    state: 'discovered',
    stalledIn: null,
    deployment: 0,
    profile: null,
    profileVersion: null,
    profileName: null,
    customer: null,
    batch: null,
    assignedBy: null,
    steps: [],
    planRevision: 0,
    startedAt: null,
    updatedAt: at,
    lastSeenAt: null,
    stateSince: at,
    osPercent: null,
    failure: null,
    lastSeq: 0,
    inventory: null,
    winpe: null,
  };
}

function addMacs(macs: string[], more: (string | null | undefined)[]): string[] {
  const out = [...macs];
  for (const m of more) {
    if (!m) continue;
    const n = normalizeMac(m);
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

export function normalizeMac(mac: string): string | null {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12) return null;
  return hex.match(/../g)!.join(':');
}

function withStep(view: MachineView, stepId: string, f: (s: StepView) => StepView): StepView[] {
  return view.steps.map((s) => (s.id === stepId ? f(s) : s));
}

/** The state a machine working on `step` is in: checks are verification. */
function workingState(step: StepView | undefined): MachineState {
  return step?.kind === 'check' ? 'verifying' : 'provisioning';
}

/** Applies one log entry; pure (returns a new view, never changes the given one). */
export function applyEntry(prev: MachineView, entry: Entry): MachineView {
  const d = entry.data;
  const at = entry.at;
  let v: MachineView = { ...prev, updatedAt: at };
  if (FROM_MACHINE.has(d.kind)) v.lastSeenAt = at;
  if ('seq' in d && typeof d.seq === 'number' && d.seq > v.lastSeq) v.lastSeq = d.seq;

  switch (d.kind) {
    case 'discovered':
      v.macs = addMacs(v.macs, [d.mac]);
      v.uuid = d.uuid ?? v.uuid;
      v.serial = d.serial ?? v.serial;
      v.vendor = d.vendor ?? v.vendor;
      v.model = d.model ?? v.model;
      v.ip = d.ip ?? v.ip;
      break;
    case 'identity':
      v.macs = addMacs(v.macs, d.macs ?? []);
      v.uuid = d.uuid ?? v.uuid;
      v.serial = d.serial ?? v.serial;
      v.vendor = d.vendor ?? v.vendor;
      v.model = d.model ?? v.model;
      v.name = d.name ?? v.name;
      break;
    case 'assigned':
      v = {
        ...v,
        state: 'assigned',
        stalledIn: null,
        deployment: entry.deployment,
        profile: d.profile,
        profileVersion: d.profileVersion,
        profileName: d.profileName,
        customer: d.customer,
        batch: d.batch,
        assignedBy: d.by,
        steps: d.steps.map((plan) => ({
          id: plan.id,
          kind: plan.kind,
          label: plan.label,
          status: 'pending',
          attempt: 0,
          retries: plan.retries,
          percent: null,
          exitCode: null,
          startedAt: null,
          endedAt: null,
          message: null,
          logTail: [],
          plan,
        })),
        planRevision: 0,
        startedAt: at,
        failure: null,
        osPercent: null,
        lastSeq: 0,
        bootIp: null,
        bootPlatform: null,
        winpe: null,
      };
      break;
    case 'booting':
      v.state = 'booting';
      v.ip = d.ip;
      v.bootIp = d.ip;
      v.bootPlatform = d.platform ?? null;
      v.bootHint = null;
      break;
    case 'boot-hint':
      v.bootHint = { reason: d.reason, fix: d.fix };
      break;
    case 'installing-os':
      v.state = 'installing-os';
      break;
    case 'provisioning':
      v.state = 'provisioning';
      v.ip = d.ip;
      break;
    case 'step': {
      const step = v.steps.find((s) => s.id === d.stepId);
      v.steps = withStep(v, d.stepId, (s) => {
        switch (d.status) {
          case 'started':
            return {
              ...s,
              status: 'running',
              attempt: d.attempt,
              startedAt: at,
              endedAt: null,
              exitCode: null,
              percent: null,
              message: d.message ?? null,
              // A new attempt starts its own tail: attempts never mix on screen.
              logTail: d.attempt !== s.attempt ? [] : s.logTail,
            };
          case 'succeeded':
            return {
              ...s,
              status: 'succeeded',
              attempt: Math.max(s.attempt, d.attempt),
              startedAt: s.startedAt ?? at,
              endedAt: at,
              exitCode: d.exitCode ?? null,
              percent: 100,
              message: d.message ?? (d.reboot ? 'rebooting' : null),
              logTail: d.logTail ? endTail(s.logTail, d.logTail) : s.logTail,
            };
          case 'failed':
            return {
              ...s,
              status: 'failed',
              attempt: Math.max(s.attempt, d.attempt),
              startedAt: s.startedAt ?? at,
              endedAt: at,
              exitCode: d.exitCode ?? null,
              message: d.message ?? null,
              logTail: d.logTail ? endTail(s.logTail, d.logTail) : s.logTail,
            };
          case 'skipped':
            return { ...s, status: 'skipped', endedAt: at, message: d.message ?? null };
        }
      });
      if (d.status === 'started' && (v.state === 'provisioning' || v.state === 'verifying')) {
        v.state = workingState(step);
      }
      if (d.status === 'failed' && d.final) {
        v.state = 'failed';
        v.failure = {
          stepId: d.stepId,
          step: step?.label ?? d.stepId,
          reason: d.message ?? 'the step failed',
        };
      }
      break;
    }
    case 'progress':
      // The OS installer is not a plan step: its progress (WinPE apply, autoinstall) has
      // its own id and shows on the row while the OS installs.
      if (d.stepId === OS_STEP_ID) {
        v.osPercent =
          d.percent ??
          (d.bytes !== undefined && d.totalBytes ? (100 * d.bytes) / d.totalBytes : v.osPercent);
        break;
      }
      v.steps = withStep(v, d.stepId, (s) => ({
        ...s,
        percent:
          d.percent ??
          (d.bytes !== undefined && d.totalBytes ? (100 * d.bytes) / d.totalBytes : s.percent),
        message: d.message ?? s.message,
      }));
      break;
    case 'log':
      v.steps = withStep(v, d.stepId, (s) => ({ ...s, logTail: keepTail(s.logTail, d.lines) }));
      break;
    case 'inventory': {
      const inv = d.inventory;
      v.inventory = inv;
      const str = (k: string): string | undefined =>
        typeof inv[k] === 'string' && (inv[k] as string).trim() ? (inv[k] as string) : undefined;
      v.vendor = str('vendor') ?? v.vendor;
      v.model = str('model') ?? v.model;
      v.serial = str('serial') ?? v.serial;
      v.uuid = str('uuid') ?? v.uuid;
      if (Array.isArray(inv.macs)) v.macs = addMacs(v.macs, inv.macs as string[]);
      break;
    }
    case 'duplicate':
      break;
    case 'failed':
      v.state = 'failed';
      v.failure = {
        stepId: d.stepId,
        step: d.stepId ? (v.steps.find((s) => s.id === d.stepId)?.label ?? d.stepId) : null,
        reason: d.reason,
        ...(d.fix ? { fix: d.fix } : {}),
      };
      // A failure outside any step (the agent's fatal error) ends the step that was running:
      // it did not fail on its own and must not keep a ticking clock.
      v.steps = v.steps.map((s) =>
        s.status === 'running' && s.id !== d.stepId
          ? { ...s, status: 'interrupted', endedAt: at, message: `interrupted: ${d.reason}` }
          : s,
      );
      break;
    case 'stalled':
      v.stalledIn = v.state === 'stalled' ? v.stalledIn : v.state;
      v.state = 'stalled';
      break;
    case 'resumed':
      v.state = v.stalledIn ?? v.state;
      v.stalledIn = null;
      break;
    case 'done':
      v.state = 'done';
      v.failure = null;
      v.stalledIn = null;
      break;
    case 'retry-step':
    case 'skip-step': {
      const step = v.steps.find((s) => s.id === d.stepId);
      v.steps = withStep(v, d.stepId, (s) =>
        d.kind === 'retry-step'
          ? { ...s, status: 'pending', percent: null, exitCode: null, endedAt: null, message: null }
          : { ...s, status: 'skipped', endedAt: at, message: 'skipped by the technician' },
      );
      v.planRevision += 1;
      if (v.state === 'failed' || v.state === 'stalled') {
        v.state = d.kind === 'retry-step' ? workingState(step) : 'provisioning';
        v.stalledIn = null;
        v.failure = null;
      }
      break;
    }
    case 'winpe':
      v.winpe = nextWinpeView(v.winpe, d);
      // WinPE's first word is the OS install starting (it may beat the answer-file fetch).
      if (v.state === 'booting') v.state = 'installing-os';
      if (d.status === 'failed') {
        v.state = 'failed';
        v.failure = {
          stepId: null,
          step: 'Windows install (WinPE)',
          reason: winpeFailureReason(d),
          fix: winpeFailureFix(d.phase),
        };
      }
      break;
    case 'answer-file':
    case 'secret-fetched':
      break;
    default:
      assertNever(d);
  }
  if (v.state !== prev.state) v.stateSince = at;
  return v;
}

/**
 * The tail an end report carries repeats lines the agent already sent as log reports:
 * only the ones not among the recent lines are added (a tail no longer shows them twice).
 */
function endTail(tail: string[], more: string[]): string[] {
  const recent = new Set(tail.slice(-2 * more.length));
  return keepTail(
    tail,
    more.filter((l) => !recent.has(l)),
  );
}

function keepTail(tail: string[], more: string[]): string[] {
  const all = tail.concat(more);
  return all.length > limits.keptTailLines ? all.slice(-limits.keptTailLines) : all;
}

/** True when every step of the plan is succeeded or skipped (an empty plan is settled). */
export function planSettled(view: MachineView): boolean {
  return view.steps.every((s) => s.status === 'succeeded' || s.status === 'skipped');
}

/** States in which an agent's word is its first in the deployment (the OS install is over). */
const BEFORE_AGENT: ReadonlySet<MachineState> = new Set(['assigned', 'booting', 'installing-os']);

/**
 * The rule "an agent's first word moves the machine to provisioning", written once: the
 * entries the agent's word adds before anything else it says. The lifecycle applies it when
 * the agent asks for its plan or beats, agent-reports.ts when its first word is a report.
 */
export function agentFirstWord(view: MachineView, ip: string): EntryData[] {
  return BEFORE_AGENT.has(view.state) ? [{ kind: 'provisioning', ip }] : [];
}
