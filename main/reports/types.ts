import type {
  MachineState,
  ReportPaper,
  ShopSettings,
  StepKind,
  StepStatus,
} from '../api/contract.js';

/**
 * The prep report model: one shape for a single machine and for a batch, so the PDF, CSV
 * and JSON writers each have one input. It is built only from the machines' event log and
 * inventory in SQLite (model.ts); docs/report.schema.json is the JSON form of it.
 */

/** Bumped when the JSON form changes incompatibly; tools check it. */
export const REPORT_FORMAT_VERSION = 1;

export type Paper = ReportPaper;

/** The shop's own details, kept in station settings (GET/PUT /api/v1/settings/shop). */
export type { ShopSettings };

/** Overall outcome of a machine's deployment as the customer reads it. */
export type ReportStatus = 'done' | 'failed' | 'in-progress' | 'stalled' | 'not-started';

export interface HardwareReport {
  vendor: string | null;
  model: string | null;
  serial: string | null;
  uuid: string | null;
  macs: string[];
  cpu: string | null;
  cores: number | null;
  ramBytes: number | null;
  disks: { name: string; model: string | null; sizeBytes: number }[];
  bios: string | null;
  hostname: string | null;
}

export type AttemptResult = 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

export interface StepAttempt {
  attempt: number;
  result: AttemptResult;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  exitCode: number | null;
  /** What the agent said (secrets masked). */
  message: string | null;
}

export interface StepReport {
  /** 1-based position in the plan. */
  order: number;
  id: string;
  kind: StepKind;
  /** Installer type (msi, exe, deb, ...), config type or check type. */
  type: string;
  label: string;
  status: StepStatus;
  /** How many attempts were started. */
  attempts: number;
  exitCode: number | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Last attempt, start to end, as the station saw the reports arrive. */
  durationSeconds: number | null;
  message: string | null;
  /** App version when the profile's detection rule or the agent names one. */
  version: string | null;
  /** The installer file handed to the agent, with its checksum when known. */
  installer: { file: string; sha256: string | null } | null;
  /** What a configuration step or check sets or looks at (secrets shown as masked). */
  details: string | null;
  /** Checks and failures: the agent's own words and last log lines (secrets masked). */
  evidence: string[];
  /** A check's comparison as the agent reported it; null for other steps and old agents. */
  check: CheckReport | null;
  history: StepAttempt[];
}

/**
 * What a check expected (the value the plan carried), what the machine had, and the
 * verdict: FAIL whenever they differ, also when a technician skipped the check afterwards.
 */
export interface CheckReport {
  expected: string;
  actual: string;
  result: 'PASS' | 'FAIL';
}

/** Something that went wrong, and what was done about it. */
export interface FailureReport {
  at: string;
  stepId: string | null;
  step: string | null;
  attempt: number | null;
  exitCode: number | null;
  reason: string;
  resolution: string;
  /** The last lines the machine sent with a failure outside any step (e.g. SMART output). */
  log?: string[];
}

/** A technician's action or a station decision on the deployment. */
export interface ActionReport {
  at: string;
  kind:
    | 'automatic-retry'
    | 'technician-retry'
    | 'technician-skip'
    | 'technician-done'
    | 'stalled'
    | 'resumed'
    | 'reset';
  stepId: string | null;
  text: string;
}

export interface PreviousDeployment {
  deployment: number;
  profile: string;
  profileVersion: string | null;
  startedAt: string;
  /** The state it was in when the next deployment replaced it. */
  endState: MachineState;
  failure: string | null;
}

/** The Windows install in WinPE (issue 15), from deploy.cmd's reports. */
export interface WindowsInstallReport {
  medium: string | null;
  edition: string | null;
  /** The image index DISM applied. */
  index: number | null;
  imageKind: string | null;
  imageBytes: number | null;
  driverPacks: string[];
  winpeDriverPacks: string[];
  firmware: string | null;
  /** The disk WinPE chose, as it described it: "disk 2 SCSI 1000 GB Samsung SSD 980 PRO". */
  disk: string | null;
  layout: string | null;
  downloadSeconds: number | null;
  applySeconds: number | null;
  /** The WinPE phase that failed, if one did. */
  failedPhase: string | null;
}

export interface MachineReport {
  id: string;
  name: string | null;
  state: MachineState;
  status: ReportStatus;
  /** The report was made before the deployment ended: it says so on its first page. */
  inProgress: boolean;
  /** One line: "Done", "In progress: Install Mozilla Firefox (4 of 9)". */
  statusText: string;
  deployment: number;
  profile: { id: string; name: string | null; version: string | null } | null;
  customer: string | null;
  batch: string | null;
  assignedBy: string | null;
  hardware: HardwareReport;
  os: { name: string | null; version: string | null };
  agentVersion: string | null;
  /** Windows only: medium, edition, index, driver packs, disk, download and apply times. */
  windowsInstall?: WindowsInstallReport | null;
  timing: {
    startedAt: string | null;
    bootedAt: string | null;
    osInstallStartedAt: string | null;
    agentStartedAt: string | null;
    endedAt: string | null;
    /** Start to end, or start to the report's time while in progress. */
    totalSeconds: number | null;
  };
  counts: { total: number; succeeded: number; failed: number; skipped: number; pending: number };
  steps: StepReport[];
  failures: FailureReport[];
  actions: ActionReport[];
  previousDeployments: PreviousDeployment[];
}

export interface BatchInfo {
  id: string;
  name: string | null;
  profile: string;
  /** "The next N machines", or null for a MAC-list batch. */
  count: number | null;
  createdAt: string;
  closedAt: string | null;
}

export interface ReportTotals {
  machines: number;
  done: number;
  failed: number;
  inProgress: number;
  stalled: number;
  notStarted: number;
  steps: number;
  stepsFailed: number;
  stepsSkipped: number;
  /** Failures met along the way, including those later fixed by a retry. */
  failuresRecorded: number;
}

export interface Report {
  formatVersion: typeof REPORT_FORMAT_VERSION;
  kind: 'machine' | 'batch';
  generatedAt: string;
  station: { version: string };
  shop: { name: string | null; address: string | null };
  customer: string | null;
  technician: string | null;
  batch: BatchInfo | null;
  /** Earliest start and latest end over the machines. */
  period: { from: string | null; to: string | null };
  totals: ReportTotals;
  machines: MachineReport[];
}
