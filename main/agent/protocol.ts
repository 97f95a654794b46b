import { z } from 'zod';
import type { MachineState, StepKind } from '../api/contract.js';

/**
 * The agent protocol (/agent/v1 on the bench listener), written down for agent authors in
 * docs/agent-protocol.md. Plain HTTP + JSON; every body is validated by these strict
 * schemas, so an unknown field is a 400, never silently ignored.
 */

/** Bounds: a report batch, a log line, the lines of one report, a log tail. */
export const limits = {
  bodyBytes: 256 * 1024,
  reportsPerRequest: 200,
  lineChars: 2000,
  linesPerReport: 200,
  tailLines: 50,
  messageChars: 2000,
  inventoryBytes: 64 * 1024,
  /** Log lines kept per step in memory for the dashboard (the log keeps all). */
  keptTailLines: 50,
  /** A check's expected and actual values, each. */
  evidenceChars: 500,
} as const;

/** What the agent downloads for a step: a station URL, checked by size and sha256. */
export interface PlanDownload {
  url: string;
  size: number | null;
  sha256: string | null;
  /** File name to save as (the last path segment of url). */
  name: string;
}

export interface PlanStep {
  /** Stable within the plan: `inventory`, `app-<id>`, `config-<id>`, `check-<id>`. */
  id: string;
  kind: StepKind;
  /** What the step does: the installer (msi, exe, deb, ...), config type or check type. */
  type: string;
  label: string;
  download: PlanDownload | null;
  /**
   * Command line to run, with `{file}` standing for the downloaded file's path; null when
   * the agent acts on `params` by `type` (registry, wifi, power, checks, inventory).
   */
  command: string | null;
  /** Shell for `command`: sh on Linux, cmd or powershell on Windows. */
  shell: 'sh' | 'bash' | 'cmd' | 'powershell' | null;
  successCodes: number[];
  rebootCodes: number[];
  timeoutSeconds: number;
  /** Extra attempts after the first failure; the station fails the machine after the last. */
  retries: number;
  /** The rest of the profile item (registry key, ssid, detection rule, ...), secrets left out. */
  params: Record<string, unknown>;
}

export interface Plan {
  machineId: string;
  deployment: number;
  profile: string;
  profileVersion: string | null;
  steps: PlanStep[];
}

export type PlanStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** GET /agent/v1/plan: the plan plus where this machine is in it. */
export interface PlanResponse extends Plan {
  state: MachineState;
  /** Changes whenever the technician retries or skips a step: fetch the plan again. */
  planRevision: number;
  /** Highest report seq the station has stored for this deployment; continue at lastSeq + 1. */
  lastSeq: number;
  status: Record<string, { status: PlanStepStatus; attempt: number }>;
  /** First step that is neither succeeded nor skipped, or null when all are. */
  next: string | null;
  heartbeatSeconds: number;
  limits: typeof limits;
}

/** Every reports/heartbeat answer: enough for the agent to know what to do next. */
export interface AckResponse {
  lastSeq: number;
  planRevision: number;
  state: MachineState;
  /** True once the deployment is over (done): stop, clear the queue. */
  stop: boolean;
}

const line = z.string().max(limits.lineChars);
const stepRef = {
  seq: z.number().int().positive(),
  stepId: z.string().min(1).max(80),
  attempt: z.number().int().min(1).max(100),
};
const message = z.string().max(limits.messageChars).optional();
const tail = z.array(line).max(limits.tailLines).optional();

/**
 * What a check step compared (docs/agent-protocol.md, "Checks"): the value the plan
 * carried, the value found on the machine, and the agent's verdict. A check that passes is
 * reported as step-succeeded, one that does not as step-failed, both with this evidence.
 */
export const checkEvidenceSchema = z.strictObject({
  expected: z.string().max(limits.evidenceChars),
  actual: z.string().max(limits.evidenceChars),
  pass: z.boolean(),
});
export type CheckEvidence = z.output<typeof checkEvidenceSchema>;
const check = checkEvidenceSchema.optional();

export const reportSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('step-started'), ...stepRef, message }),
  z.strictObject({
    type: z.literal('step-progress'),
    ...stepRef,
    percent: z.number().min(0).max(100).optional(),
    bytes: z.number().int().min(0).optional(),
    totalBytes: z.number().int().min(0).optional(),
    message,
  }),
  z.strictObject({
    type: z.literal('step-log'),
    ...stepRef,
    lines: z.array(line).min(1).max(limits.linesPerReport),
  }),
  z.strictObject({
    type: z.literal('step-succeeded'),
    ...stepRef,
    exitCode: z.number().int().optional(),
    /** The step asked for a reboot (a reboot exit code); the agent reboots and resumes. */
    reboot: z.boolean().optional(),
    logTail: tail,
    message,
    check,
  }),
  z.strictObject({
    type: z.literal('step-failed'),
    ...stepRef,
    exitCode: z.number().int().nullable().optional(),
    reason: z.string().min(1).max(limits.messageChars),
    logTail: tail,
    check,
  }),
  z.strictObject({
    type: z.literal('step-skipped'),
    ...stepRef,
    reason: z.string().max(limits.messageChars).optional(),
  }),
  z.strictObject({
    type: z.literal('inventory'),
    seq: z.number().int().positive(),
    inventory: z
      .strictObject({
        vendor: z.string().max(200).optional(),
        model: z.string().max(200).optional(),
        serial: z.string().max(200).optional(),
        uuid: z.string().max(64).optional(),
        cpu: z.string().max(300).optional(),
        cores: z.number().int().min(0).optional(),
        ramBytes: z.number().int().min(0).optional(),
        disks: z
          .array(
            z.strictObject({
              name: z.string().max(200),
              model: z.string().max(200).optional(),
              sizeBytes: z.number().int().min(0),
            }),
          )
          .max(64)
          .optional(),
        macs: z
          .array(z.string().regex(/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/, 'a MAC address'))
          .max(64)
          .optional(),
        os: z.string().max(300).optional(),
        osVersion: z.string().max(100).optional(),
        hostname: z.string().max(255).optional(),
        bios: z.string().max(200).optional(),
        agentVersion: z.string().max(50).optional(),
      })
      .refine((v) => JSON.stringify(v).length <= limits.inventoryBytes, 'inventory is too large'),
  }),
  /** The OS installer or the agent hit an error outside any step (e.g. no disk). */
  z.strictObject({
    type: z.literal('fatal'),
    seq: z.number().int().positive(),
    reason: z.string().min(1).max(limits.messageChars),
    logTail: tail,
  }),
]);

export type Report = z.output<typeof reportSchema>;
export type ReportType = Report['type'];

export const reportsBodySchema = z.strictObject({
  reports: z.array(reportSchema).min(1).max(limits.reportsPerRequest),
});

export const heartbeatBodySchema = z
  .strictObject({
    stepId: z.string().min(1).max(80).optional(),
    percent: z.number().min(0).max(100).optional(),
    message: z.string().max(limits.messageChars).optional(),
  })
  .optional();
