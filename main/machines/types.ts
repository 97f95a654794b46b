import type { MachineState, MachineStep } from '../api/contract.js';
import type { CheckEvidence, PlanStep } from '../agent/protocol.js';
import type { BootChain } from '../boot/types.js';
import type { WinpeEntry, WinpeView } from './winpe-progress.js';

/**
 * What goes into a machine's append-only event log (table machine_events). Machine state
 * is never stored: it is what `applyEntry` (state.ts) makes of these, in order.
 */
export type AssignedBy = 'hand' | 'batch' | 'rule' | 'default' | 'reset';

export type EntryData =
  | {
      kind: 'discovered';
      mac: string | null;
      uuid?: string;
      serial?: string;
      vendor?: string;
      model?: string;
      via: string;
      ip?: string;
    }
  /** More of who the machine is: another MAC, its UUID, serial, vendor/model, a name. */
  | {
      kind: 'identity';
      macs?: string[];
      uuid?: string;
      serial?: string;
      vendor?: string;
      model?: string;
      name?: string;
    }
  | {
      kind: 'assigned';
      profile: string;
      profileVersion: string | null;
      profileName: string | null;
      customer: string | null;
      batch: string | null;
      by: AssignedBy;
      /** Who assigned or reset it (the name the UI sends), for 'hand' and 'reset'. */
      technician?: string;
      /** The plan, frozen for this deployment (download URLs relative to the station). */
      steps: PlanStep[];
    }
  /** Asked for its boot script and was handed the installer. */
  | { kind: 'booting'; ip: string; platform?: string; chain?: BootChain }
  /**
   * The station's best guess why a network boot went nowhere (issue 17: Secure Boot refused
   * the loader). Shown on the row until the machine boots an installer; no state change.
   */
  | { kind: 'boot-hint'; reason: string; fix: string; loader: string }
  /** The installer fetched its answer file (or the OS install otherwise showed up). */
  | { kind: 'installing-os'; file: string; ip: string }
  /** The agent's first word in this deployment. */
  | { kind: 'provisioning'; ip: string }
  | {
      kind: 'step';
      seq: number;
      stepId: string;
      attempt: number;
      status: 'started' | 'succeeded' | 'failed' | 'skipped';
      exitCode?: number | null;
      reboot?: boolean;
      message?: string;
      logTail?: string[];
      /** A check's expected and actual values and verdict (succeeded/failed checks). */
      check?: CheckEvidence;
      /** step failed on its last allowed attempt: the machine fails. */
      final?: boolean;
      digest?: string;
    }
  | {
      kind: 'progress';
      seq: number;
      stepId: string;
      attempt: number;
      percent?: number;
      bytes?: number;
      totalBytes?: number;
      message?: string;
      digest?: string;
    }
  | {
      kind: 'log';
      seq: number;
      stepId: string;
      attempt: number;
      lines: string[];
      digest?: string;
    }
  | { kind: 'inventory'; seq: number; inventory: Record<string, unknown>; digest?: string }
  /** A resend of a step report already recorded under another seq: kept so seq never goes back. */
  | {
      kind: 'duplicate';
      seq: number;
      of: string;
      stepId?: string;
      attempt?: number;
      digest?: string;
    }
  | {
      kind: 'failed';
      seq?: number;
      stepId: string | null;
      reason: string;
      /** What the technician does about it, when the station knows. */
      fix?: string;
      logTail?: string[];
      digest?: string;
    }
  | { kind: 'stalled'; silentSince: string }
  | { kind: 'resumed' }
  | { kind: 'done'; by: 'agent' | 'technician'; technician?: string }
  | { kind: 'retry-step'; stepId: string; technician?: string }
  | { kind: 'skip-step'; stepId: string; technician?: string }
  /** deploy.cmd in WinPE reported a phase of the Windows install (winpe-progress.ts). */
  | WinpeEntry
  /** An answer file was served (every fetch is logged; the token never is). */
  | { kind: 'answer-file'; file: string; ip: string; bytes: number }
  /** The agent fetched a secret its plan references (the name only, never the value). */
  | { kind: 'secret-fetched'; name: string; ip: string };

export type EntryKind = EntryData['kind'];

export interface Entry {
  id: number;
  machineId: string;
  at: string;
  deployment: number;
  data: EntryData;
}

export interface StepView extends MachineStep {
  plan: PlanStep;
}

/** The in-memory picture of one machine, rebuilt from its log at start. */
export interface MachineView {
  id: string;
  createdAt: string;
  name: string | null;
  macs: string[];
  uuid: string | null;
  serial: string | null;
  vendor: string | null;
  model: string | null;
  ip: string | null;
  /** Address the machine booted the installer from: answer files go only there. */
  bootIp: string | null;
  /** iPXE ${platform} at that boot: pcbios or efi (answer files differ by firmware). */
  bootPlatform: string | null;
  /** Why its last network boot likely went nowhere (see the boot-hint entry). */
  bootHint: { reason: string; fix: string } | null;
  state: MachineState;
  stalledIn: MachineState | null;
  deployment: number;
  profile: string | null;
  profileVersion: string | null;
  profileName: string | null;
  customer: string | null;
  batch: string | null;
  assignedBy: AssignedBy | null;
  steps: StepView[];
  planRevision: number;
  startedAt: string | null;
  updatedAt: string;
  lastSeenAt: string | null;
  /** When the current state began. */
  stateSince: string | null;
  /** The OS installer's own progress (progress reports for step OS_STEP_ID). */
  osPercent: number | null;
  failure: {
    stepId: string | null;
    step: string | null;
    reason: string;
    fix?: string | null;
  } | null;
  /** Where the Windows install in WinPE is (this deployment), or null before its first report. */
  winpe: WinpeView | null;
  /** Highest agent report seq stored in this deployment. */
  lastSeq: number;
  inventory: Record<string, unknown> | null;
}
