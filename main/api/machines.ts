import { z } from 'zod';

/** The UI API of machines, batches, assignment rules and ETAs: schemas and their types. */

export const machineState = z.enum([
  'discovered',
  'assigned',
  'booting',
  'installing-os',
  'provisioning',
  'verifying',
  'done',
  'failed',
  'stalled',
]);
export type MachineState = z.infer<typeof machineState>;

export const stepKind = z.enum(['inventory', 'app', 'config', 'check']);
export type StepKind = z.infer<typeof stepKind>;
/** `interrupted`: it was running when the machine failed outside any step (a fatal error). */
export const stepStatus = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'interrupted',
]);
export type StepStatus = z.infer<typeof stepStatus>;

/** Everything a dashboard row shows; every `machine` event carries a whole one. */
export const machineSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  macs: z.array(z.string()),
  uuid: z.string().nullable(),
  serial: z.string().nullable(),
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  /** Last address the machine was seen at (boot or agent). */
  ip: z.string().nullable(),
  state: machineState,
  /** For `stalled`: the state it stalled in (it returns there on its next word). */
  stalledIn: machineState.nullable(),
  profile: z.string().nullable(),
  /** Profile version hash the current deployment was built from. */
  profileVersion: z.string().nullable(),
  customer: z.string().nullable(),
  batch: z.string().nullable(),
  /** Counts up on every assignment, reassignment and reset. */
  deployment: z.number(),
  /** What is happening now, in words: "Installing Mozilla Firefox", "Booting the installer". */
  step: z.string().nullable(),
  stepId: z.string().nullable(),
  stepsDone: z.number(),
  stepsTotal: z.number(),
  /** 0-100, whole steps plus the running step's own percent. */
  progress: z.number(),
  /** ISO time the current deployment started (assignment), else null. */
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** ISO time of the machine's last word (any request, report or heartbeat). */
  lastSeenAt: z.string().nullable(),
  /** ISO time it entered its current state (the OS install's start, for its ETA). */
  stateSince: z.string().nullable().optional(),
  /** ISO time the running step started, else null. */
  stepStartedAt: z.string().nullable().optional(),
  /** The OS installer's own progress (0-100) where it reports one, else null. */
  osPercent: z.number().nullable().optional(),
  failure: z
    .object({
      stepId: z.string().nullable(),
      step: z.string().nullable(),
      reason: z.string(),
      /** What a technician does about it, when the station knows (e.g. set a secret). */
      fix: z.string().nullable().optional(),
    })
    .nullable(),
  /**
   * Why its last network boot likely went nowhere, e.g. "Secure Boot refused the loader: use
   * the signed chain"; cleared when it boots an installer.
   */
  bootHint: z.object({ reason: z.string(), fix: z.string() }).nullable().optional(),
  /** Windows: WinPE found no driver pack for this model (issue 15); null when it had one. */
  driverWarning: z.string().nullable().optional(),
});
export type MachineSummary = z.infer<typeof machineSummary>;

export const machineStep = z.object({
  id: z.string(),
  kind: stepKind,
  label: z.string(),
  status: stepStatus,
  attempt: z.number(),
  retries: z.number(),
  percent: z.number().nullable(),
  exitCode: z.number().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  message: z.string().nullable(),
  /** Last lines the agent sent (bounded). */
  logTail: z.array(z.string()),
});
export type MachineStep = z.infer<typeof machineStep>;

/** One attempt of a step with its own log lines (GET .../steps/:step/log). */
export const stepAttemptLog = z.object({
  attempt: z.number(),
  status: z.enum(['running', 'succeeded', 'failed', 'skipped', 'interrupted']),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  message: z.string().nullable(),
  lines: z.array(z.string()),
});
export type StepAttemptLog = z.infer<typeof stepAttemptLog>;

/** A step's history, newest first: its attempts, and what the technician did between them. */
export const stepLogItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('attempt'), attempt: stepAttemptLog }),
  z.object({
    type: z.literal('action'),
    at: z.string(),
    action: z.enum(['retry', 'skip']),
    by: z.string().nullable(),
  }),
]);
export type StepLogItem = z.infer<typeof stepLogItem>;

/** GET /api/v1/machines/:id/steps/:step/log?deployment=N */
export const stepLog = z.object({
  stepId: z.string(),
  deployment: z.number(),
  items: z.array(stepLogItem),
});
export type StepLog = z.infer<typeof stepLog>;

/** Typical durations of one profile's runs, in ms (medians of past runs). */
export const profileEstimate = z.object({
  /** Installer handed out to answer file fetched. */
  bootMs: z.number().nullable(),
  /** Answer file fetched to the agent's first word. */
  osMs: z.number().nullable(),
  /** Plan step ids in order (from the newest deployment of the profile). */
  order: z.array(z.string()),
  /** Step id to its typical duration (first start to success). */
  steps: z.record(z.string(), z.number()),
  /** Finished runs behind these figures. */
  runs: z.number(),
});
export type ProfileEstimate = z.infer<typeof profileEstimate>;

/** GET /api/v1/estimates: what ETAs are computed from. */
export const runEstimates = z.object({
  profiles: z.record(z.string(), profileEstimate),
  /** App step id (app-firefox) to its typical duration across every profile. */
  apps: z.record(z.string(), z.number()),
});
export type RunEstimates = z.infer<typeof runEstimates>;

/** One entry of a machine's append-only event log (the timeline and the report read these). */
export const machineLogEntry = z.object({
  id: z.number(),
  machineId: z.string(),
  at: z.string(),
  deployment: z.number(),
  kind: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type MachineLogEntry = z.infer<typeof machineLogEntry>;

export const machineDetail = z.object({
  machine: machineSummary,
  steps: z.array(machineStep),
  inventory: z.record(z.string(), z.unknown()).nullable(),
});
export type MachineDetail = z.infer<typeof machineDetail>;

export const batchSummary = z.object({
  id: z.string(),
  name: z.string().nullable(),
  profile: z.string(),
  /** "The next N machines": N; null for a MAC-list batch. */
  count: z.number().nullable(),
  macs: z.array(z.string()).nullable(),
  /** Machines this batch has assigned so far. */
  machineIds: z.array(z.string()),
  filled: z.number(),
  open: z.boolean(),
  createdAt: z.string(),
});
export type BatchSummary = z.infer<typeof batchSummary>;

export const assignmentRule = z.object({
  id: z.string(),
  field: z.enum(['vendor', 'model', 'mac']),
  /** Case-insensitive substring for vendor/model; a list of MACs separated by spaces/commas for mac. */
  pattern: z.string(),
  profile: z.string(),
  createdAt: z.string(),
});
export type AssignmentRule = z.infer<typeof assignmentRule>;

/** POST /api/v1/machines/:id/wake: where the magic packets went. */
export const wakeResult = z.object({ sent: z.number(), to: z.string(), macs: z.array(z.string()) });
export type WakeResult = z.infer<typeof wakeResult>;

/** POST /api/v1/machines/forget, DELETE /api/v1/machines/:id. */
export const forgetResult = z.object({ forgotten: z.array(z.string()) });
export type ForgetResult = z.infer<typeof forgetResult>;

/** GET|PUT /api/v1/bench-default. */
export const benchDefault = z.object({ profile: z.string().nullable() });

// ---- Request bodies (moved here from machines/routes.ts: one place for the contract) ----

const profileId = z.string().min(1).max(64);
const mac = z.string().regex(/^[0-9a-fA-F]{2}([:-]?[0-9a-fA-F]{2}){5}$/, 'a MAC address');

export const assignBody = z.strictObject({ profile: profileId });
export const assignManyBody = z.strictObject({
  machines: z.array(z.string().min(1)).min(1).max(500),
  profile: profileId,
});
export const addMachineBody = z.strictObject({
  mac,
  name: z.string().min(1).max(100).optional(),
  profile: profileId.optional(),
});
export const forgetBody = z.strictObject({
  machines: z.array(z.string().min(1).max(64)).min(1).max(5000),
});
export const renameBody = z.strictObject({ name: z.string().min(1).max(100) });
export const batchBody = z.union([
  z.strictObject({
    profile: profileId,
    count: z.number().int().min(1).max(1000),
    name: z.string().max(100).optional(),
  }),
  z.strictObject({
    profile: profileId,
    macs: z.array(mac).min(1).max(1000),
    name: z.string().max(100).optional(),
  }),
]);
export const ruleBody = z.strictObject({
  field: z.enum(['vendor', 'model', 'mac']),
  pattern: z.string().min(1).max(20_000),
  profile: profileId,
});
export const benchDefaultBody = z.strictObject({ profile: profileId.nullable() });

/** GET /api/v1/machines/:id/log?after=&limit= (bad numbers fall back, as they always did). */
export const machineLogQuery = z.object({
  after: z.string().optional(),
  limit: z.string().optional(),
});
/** GET /api/v1/machines/:id/steps/:step/log?deployment=N */
export const stepLogQuery = z.object({ deployment: z.string().optional() });
export const machineStepParams = z.object({ id: z.string(), step: z.string() });
