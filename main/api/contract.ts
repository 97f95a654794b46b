/**
 * The one typed contract between the station and its UI (HTTP API and event stream).
 * The renderer imports it with `import type` only. Request bodies are validated with zod
 * schemas that live beside the routes and produce these same types.
 */

import type { MediaImportStatus, MediaRecord } from '../media/types.js';

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

export interface Health {
  ok: true;
  version: string;
}

export type ServiceState = 'starting' | 'running' | 'stopped' | 'failed' | 'disabled';

export interface ServiceStatus {
  /** Stable id: ui, bench-http, tftp, dhcp, proxydhcp, ... */
  name: string;
  /** What a technician calls it. */
  label: string;
  state: ServiceState;
  /** Where it listens, e.g. "127.0.0.1:7780" or "udp 0.0.0.0:69". */
  address: string | null;
  /** Why it failed or is disabled, in words. */
  error: string | null;
  /** What to do about it. */
  fix: string | null;
  /** ISO time of the last state change. */
  since: string;
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
  protocol: 'dhcp' | 'proxydhcp' | 'tftp' | 'http';
  mac: string | null;
  client: string;
  summary: string;
  data?: Record<string, unknown>;
}

/** A boot log line kept by the station (GET /api/v1/boot-log). */
export type StoredBootEvent = Omit<BootLogEvent, 'type' | 'seq'> & { id: number };

/** One page of the kept boot log, newest first; `before` asks for the next older page. */
export interface BootLogPage {
  events: StoredBootEvent[];
  before: number | null;
}

// ---- Machines (issue 6) -------------------------------------------------------------

export type MachineState =
  | 'discovered'
  | 'assigned'
  | 'booting'
  | 'installing-os'
  | 'provisioning'
  | 'verifying'
  | 'done'
  | 'failed'
  | 'stalled';

export type StepKind = 'inventory' | 'app' | 'config' | 'check';
/** `interrupted`: it was running when the machine failed outside any step (a fatal error). */
export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

/** Everything a dashboard row shows; every `machine` event carries a whole one. */
export interface MachineSummary {
  id: string;
  name: string | null;
  macs: string[];
  uuid: string | null;
  serial: string | null;
  vendor: string | null;
  model: string | null;
  /** Last address the machine was seen at (boot or agent). */
  ip: string | null;
  state: MachineState;
  /** For `stalled`: the state it stalled in (it returns there on its next word). */
  stalledIn: MachineState | null;
  profile: string | null;
  /** Profile version hash the current deployment was built from. */
  profileVersion: string | null;
  customer: string | null;
  batch: string | null;
  /** Counts up on every assignment, reassignment and reset. */
  deployment: number;
  /** What is happening now, in words: "Installing Mozilla Firefox", "Booting the installer". */
  step: string | null;
  stepId: string | null;
  stepsDone: number;
  stepsTotal: number;
  /** 0-100, whole steps plus the running step's own percent. */
  progress: number;
  /** ISO time the current deployment started (assignment), else null. */
  startedAt: string | null;
  updatedAt: string;
  /** ISO time of the machine's last word (any request, report or heartbeat). */
  lastSeenAt: string | null;
  /** ISO time it entered its current state (the OS install's start, for its ETA). */
  stateSince?: string | null;
  /** ISO time the running step started, else null. */
  stepStartedAt?: string | null;
  /** The OS installer's own progress (0-100) where it reports one, else null. */
  osPercent?: number | null;
  failure: {
    stepId: string | null;
    step: string | null;
    reason: string;
    /** What a technician does about it, when the station knows (e.g. set a secret). */
    fix?: string | null;
  } | null;
  /**
   * Why its last network boot likely went nowhere, e.g. "Secure Boot refused the loader: use
   * the signed chain"; cleared when it boots an installer.
   */
  bootHint?: { reason: string; fix: string } | null;
  /** Windows: WinPE found no driver pack for this model (issue 15); null when it had one. */
  driverWarning?: string | null;
}

export interface MachineStep {
  id: string;
  kind: StepKind;
  label: string;
  status: StepStatus;
  attempt: number;
  retries: number;
  percent: number | null;
  exitCode: number | null;
  startedAt: string | null;
  endedAt: string | null;
  message: string | null;
  /** Last lines the agent sent (bounded). */
  logTail: string[];
}

/** One attempt of a step with its own log lines (GET .../steps/:step/log). */
export interface StepAttemptLog {
  attempt: number;
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';
  startedAt: string | null;
  endedAt: string | null;
  exitCode: number | null;
  message: string | null;
  lines: string[];
}

/** A step's history, newest first: its attempts, and what the technician did between them. */
export type StepLogItem =
  | { type: 'attempt'; attempt: StepAttemptLog }
  | { type: 'action'; at: string; action: 'retry' | 'skip'; by: string | null };

/** GET /api/v1/machines/:id/steps/:step/log?deployment=N */
export interface StepLog {
  stepId: string;
  deployment: number;
  items: StepLogItem[];
}

/** Typical durations of one profile's runs, in ms (medians of past runs). */
export interface ProfileEstimate {
  /** Installer handed out to answer file fetched. */
  bootMs: number | null;
  /** Answer file fetched to the agent's first word. */
  osMs: number | null;
  /** Plan step ids in order (from the newest deployment of the profile). */
  order: string[];
  /** Step id to its typical duration (first start to success). */
  steps: Record<string, number>;
  /** Finished runs behind these figures. */
  runs: number;
}

/** GET /api/v1/estimates: what ETAs are computed from. */
export interface RunEstimates {
  profiles: Record<string, ProfileEstimate>;
  /** App step id (app-firefox) to its typical duration across every profile. */
  apps: Record<string, number>;
}

/** One entry of a machine's append-only event log (the timeline and the report read these). */
export interface MachineLogEntry {
  id: number;
  machineId: string;
  at: string;
  deployment: number;
  kind: string;
  data: Record<string, unknown>;
}

export interface MachineDetail {
  machine: MachineSummary;
  steps: MachineStep[];
  inventory: Record<string, unknown> | null;
}

export interface BatchSummary {
  id: string;
  name: string | null;
  profile: string;
  /** "The next N machines": N; null for a MAC-list batch. */
  count: number | null;
  macs: string[] | null;
  /** Machines this batch has assigned so far. */
  machineIds: string[];
  filled: number;
  open: boolean;
  createdAt: string;
}

export interface AssignmentRule {
  id: string;
  field: 'vendor' | 'model' | 'mac';
  /** Case-insensitive substring for vendor/model; a list of MACs separated by spaces/commas for mac. */
  pattern: string;
  profile: string;
  createdAt: string;
}

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

/** An installer in the app library (<files>/apps); profiles reference it by id. */
export interface AppPackage {
  /** What profiles name in `source: { package: id }`. */
  id: string;
  name: string;
  version: string;
  fileName: string;
  /** Path under the files dir; machines download it from /files/<path> (with Range). */
  path: string;
  size: number;
  sha256: string;
  importedAt: string;
}

/** A package was imported (or replaced by a new version). */
export interface AppPackageEvent extends EventBase {
  type: 'app-package';
  app: AppPackage;
}

// ---- Profiles and secrets (issue 5) -------------------------------------------------

/** A problem in a profile file, where an editor can jump to it (1-based line and col). */
export interface ProfileIssue {
  file: string;
  line: number;
  col: number;
  message: string;
  /** Key path in the profile, e.g. apps.2.args; empty for the whole file. */
  path: string;
}

/** GET /api/v1/profiles: one row per file, valid or not. */
export interface ProfileSummary {
  id: string;
  file: string;
  name: string | null;
  extends: string | null;
  /** A base only: not assignable to machines. */
  abstract: boolean;
  customer: string | null;
  os: string | null;
  ok: boolean;
  /** sha256 of the resolved profile; changes when the file or a base changes. */
  hash: string | null;
  issues: ProfileIssue[];
}

/** One kept version of a profile file (GET /api/v1/profiles/:id/history). */
export interface ProfileVersion {
  profileId: string;
  version: number;
  /** sha256 of the file text. */
  hash: string;
  author: string;
  savedAt: string;
}

/** A secret's name and when it changed; values never leave the station this way. */
export interface SecretInfo {
  name: string;
  updatedAt: string;
  /** Profiles that reference it. */
  usedBy: string[];
}

/** Why a profile cannot be deployed now (GET /api/v1/profiles-readiness). */
export interface ReadinessProblem {
  kind: 'secret' | 'package' | 'medium' | 'invalid';
  /** The secret, package or medium it is about. */
  name: string;
  /** What is wrong, in words: `secret "admin-password" is not set`. */
  message: string;
  /** What to do about it. */
  fix: string;
}

export interface ProfileReadiness {
  id: string;
  ready: boolean;
  problems: ReadinessProblem[];
}

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
  | ProfileEvent;

export type StationEventInput = StationEvent extends infer E
  ? E extends EventBase
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

// ---- Reports (issue 9) --------------------------------------------------------------

export type ReportFormat = 'pdf' | 'csv' | 'json';
export type ReportPaper = 'a4' | 'letter';

/**
 * GET /api/v1/reports/machines/:idOrMac?format=pdf|csv|json  (one machine, by id or MAC)
 * GET /api/v1/reports/batches/:id?format=pdf|csv|json       (summary, then each machine)
 * The body is the file itself (application/pdf, text/csv with a UTF-8 BOM, or JSON per
 * docs/report.schema.json), with Content-Disposition: attachment; filename="prep-report-....pdf"
 * (inline with disposition=inline). Errors are the usual { ok: false, error } JSON, 404 for
 * an unknown machine or batch. Built from the event log on every request.
 */
export interface ReportQuery {
  format?: ReportFormat;
  /** PDF only; default: the shop settings' paper. */
  paper?: ReportPaper;
  /** Technician named on the report; default: the shop settings' technician. */
  technician?: string;
  disposition?: 'attachment' | 'inline';
}

export type MachineReportPath = `/api/v1/reports/machines/${string}`;
export type BatchReportPath = `/api/v1/reports/batches/${string}`;

/** GET /api/v1/settings/shop, and PUT with any subset (null clears a field). */
export interface ShopSettings {
  name: string | null;
  /** Address, phone, web: free text, a line each. */
  address: string | null;
  /** Default technician named on reports. */
  technician: string | null;
  /** PNG or JPEG as a data: URL (at most 512 KB), or null. */
  logo: string | null;
  paper: ReportPaper;
  /** IANA zone for times printed in PDFs (null: the station's); JSON and CSV are UTC. */
  timeZone: string | null;
}
export type ShopSettingsUpdate = Partial<ShopSettings>;

// ---- Terminal (issue 10) ------------------------------------------------------------

export type TerminalKind = 'local' | 'ssh';

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

export interface TerminalInfo {
  id: string;
  kind: TerminalKind;
  /** Tab title: "Station shell", "root@10.0.0.5". */
  title: string;
  machineId: string | null;
  pid: number;
  cols: number;
  rows: number;
  createdAt: string;
  /** A browser tab holds its WebSocket now. */
  attached: boolean;
}

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
