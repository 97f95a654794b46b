/**
 * The one typed contract between the station and its UI (HTTP API and event stream).
 * The renderer imports it with `import type` only. The HTTP API's request and reply
 * schemas are zod, in main/api/<area>.ts (and a few beside their domain, e.g.
 * settings/network.ts); their types are z.infer of them, re-exported here. The event
 * stream's types are written here, built from the same types.
 */

import type { MediaImportStatus, MediaRecord } from '../media/types.js';
import type { AppPackage } from './apps.js';
import type { BootProtocol } from './boot-log.js';
import type { BatchSummary, MachineLogEntry, MachineStep, MachineSummary } from './machines.js';
import type { ServiceStatus } from './station.js';
import type { ShopEvent } from '../shop/view/contract.js';

// The types of the schemas (main/api/<area>.ts), for `import type` from one place.
export type { AppPackage } from './apps.js';
export type { BootLogPage, BootProtocol, StoredBootEvent } from './boot-log.js';
export type {
  AssignmentRule,
  BatchSummary,
  ForgetResult,
  MachineDetail,
  MachineLogEntry,
  MachineState,
  MachineStep,
  MachineSummary,
  ProfileEstimate,
  RunEstimates,
  StepAttemptLog,
  StepKind,
  StepLog,
  StepLogItem,
  StepStatus,
  WakeResult,
} from './machines.js';
export type { Health, ServiceState, ServiceStatus } from './station.js';
export type { TerminalInfo, TerminalKind } from './terminal.js';
export type {
  BatchReportPath,
  MachineReportPath,
  ReportFormat,
  ReportPaper,
  ReportQuery,
  ShopSettings,
  ShopSettingsUpdate,
} from './reports.js';
export type {
  Preview,
  PreviewMachine,
  ProfileDocument,
  ProfileIssue,
  ProfileReadiness,
  ProfileSaved,
  ProfileSummary,
  ProfileVersion,
  ReadinessProblem,
  SecretInfo,
  SecretsListing,
} from './profiles.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiError {
  /** Stable machine-readable code, e.g. "unauthorized", "invalid_body", "not_found". */
  code: string;
  /** One sentence a technician can act on. */
  message: string;
  /** What to do about it, when the station knows. */
  fix?: string;
  /** Optional details, e.g. validation issues with file:line:col. */
  details?: unknown;
}

interface EventBase {
  /** Monotonic per station run; the stream resumes from Last-Event-ID. */
  seq: number;
  /** ISO time. */
  at: string;
}

export interface ServiceEvent extends EventBase {
  type: 'service';
  service: ServiceStatus;
}

/** A line of the boot log: a DHCP, TFTP or HTTP boot request seen by the station. */
export interface BootLogEvent extends EventBase {
  type: 'boot';
  protocol: BootProtocol;
  mac: string | null;
  client: string;
  summary: string;
  data?: Record<string, unknown>;
}

// ---- Machines (issue 6) -------------------------------------------------------------

export interface MachineEvent extends EventBase {
  type: 'machine';
  machine: MachineSummary;
}

/** A step changed (started, progressed, ended); the timeline and step list update from it. */
export interface MachineStepEvent extends EventBase {
  type: 'machine-step';
  machineId: string;
  step: MachineStep;
}

/** Log lines an agent sent for a step; the timeline appends them. */
export interface MachineLogEvent extends EventBase {
  type: 'machine-log';
  machineId: string;
  stepId: string | null;
  lines: string[];
}

/** A new entry of a machine's event log (for an open timeline). */
export interface MachineTimelineEvent extends EventBase {
  type: 'machine-timeline';
  entry: MachineLogEntry;
}

export interface BatchEvent extends EventBase {
  type: 'batch';
  batch: BatchSummary;
}

// ---- App library (issue 7) ----------------------------------------------------------

/** A package was imported (or replaced by a new version). */
export interface AppPackageEvent extends EventBase {
  type: 'app-package';
  app: AppPackage;
}

// ---- Profiles and secrets (issue 5) -------------------------------------------------

/** A profile was saved, edited outside, became invalid or was removed. */
export interface ProfileEvent extends EventBase {
  type: 'profile';
  id: string;
  state: 'valid' | 'invalid' | 'removed';
  hash: string | null;
  issues: number;
}

/** A medium was imported or deleted (the Media screen's list). */
export interface MediaEvent extends EventBase {
  type: 'media';
  id: string;
  state: 'imported' | 'deleted';
  media: MediaRecord | null;
}

/** Progress of one medium import (bytes, time left), then its end. */
export interface MediaImportEvent extends EventBase {
  type: 'media-import';
  import: MediaImportStatus;
}

export type StationEvent =
  | MediaEvent
  | MediaImportEvent
  | ServiceEvent
  | BootLogEvent
  | MachineEvent
  | MachineStepEvent
  | MachineLogEvent
  | MachineTimelineEvent
  | BatchEvent
  | AppPackageEvent
  | ProfileEvent
  // The shop view's event (issue 20), on the same stream; its shape lives with the view.
  | ShopEvent;

export type StationEventInput = StationEvent extends infer E
  ? E extends EventBase
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

// ---- Terminal (issue 10) ------------------------------------------------------------

/** POST /api/v1/terminals. For ssh, machineId takes the address from the machines registry. */
export type CreateTerminalRequest =
  | { kind: 'local'; cols?: number; rows?: number }
  | {
      kind: 'ssh';
      machineId?: string;
      host?: string;
      user: string;
      port?: number;
      cols?: number;
      rows?: number;
    };

/**
 * Browser to station over GET /api/v1/terminals/:id/socket (text frames, JSON). The
 * station sends the shell's output as binary frames; the browser acks what xterm has
 * drawn, and the station pauses the shell while too much is unacknowledged.
 */
export type TerminalClientMessage =
  | { type: 'input'; data: string }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ack'; bytes: number };

/** Station to browser (text frames, JSON). */
export type TerminalServerMessage =
  | { type: 'exit'; exitCode: number | null; signal: number | null }
  | { type: 'error'; code: string; message: string };
