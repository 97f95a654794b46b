import { z } from 'zod';

/** The UI API of profiles, their history and readiness, and secrets: schemas and types. */

/** A problem in a profile file, where an editor can jump to it (1-based line and col). */
export const profileIssue = z.object({
  file: z.string(),
  line: z.number(),
  col: z.number(),
  message: z.string(),
  /** Key path in the profile, e.g. apps.2.args; empty for the whole file. */
  path: z.string(),
});
export type ProfileIssue = z.infer<typeof profileIssue>;

/** GET /api/v1/profiles: one row per file, valid or not. */
export const profileSummary = z.object({
  id: z.string(),
  file: z.string(),
  name: z.string().nullable(),
  extends: z.string().nullable(),
  /** A base only: not assignable to machines. */
  abstract: z.boolean(),
  customer: z.string().nullable(),
  os: z.string().nullable(),
  ok: z.boolean(),
  /** sha256 of the resolved profile; changes when the file or a base changes. */
  hash: z.string().nullable(),
  issues: z.array(profileIssue),
});
export type ProfileSummary = z.infer<typeof profileSummary>;

/** Windows: what is wrong with the medium and edition a profile names (media library). */
export const mediaIssues = z.array(profileIssue);

/** GET /api/v1/profiles/:id: the row, the file text and the resolved profile. */
export const profileDocument = profileSummary.extend({
  text: z.string(),
  /** sha256 of `text`: sent back as `baseHash` with the next save (shared profiles, issue 20). */
  textHash: z.string().optional(),
  /** The resolved profile (bases merged in), null while the file is invalid. */
  profile: z.record(z.string(), z.unknown()).nullable(),
  mediaIssues,
});
export type ProfileDocument = z.infer<typeof profileDocument>;

/** One kept version of a profile file (GET /api/v1/profiles/:id/history). */
export const profileVersion = z.object({
  profileId: z.string(),
  version: z.number(),
  /** sha256 of the file text. */
  hash: z.string(),
  author: z.string(),
  savedAt: z.string(),
});
export type ProfileVersion = z.infer<typeof profileVersion>;

/** PUT /api/v1/profiles/:id: the YAML text. */
export const profilePutBody = z.strictObject({
  text: z.string().max(512 * 1024),
  author: z.string().min(1).max(80).optional(),
  /** sha256 of the text the edit started from: a shared profile refuses a stale edit (409). */
  baseHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export const profileSaved = z.object({
  version: profileVersion,
  /** sha256 of the resolved profile (not of the text). */
  hash: z.string(),
  /** sha256 of the saved text: the next save's `baseHash`. */
  textHash: z.string().optional(),
  mediaIssues,
  /** With --database: shared as version N, or kept on this station until the shop answers. */
  shop: z
    .union([
      z.object({ state: z.literal('shared'), version: z.number() }),
      z.object({ state: z.literal('pending'), message: z.string() }),
    ])
    .optional(),
});
export type ProfileSaved = z.infer<typeof profileSaved>;

export const versionParams = z.object({ id: z.string(), version: z.string() });
export const diffQuery = z.object({ from: z.string().optional(), to: z.string().optional() });

/** A machine to preview for: any of these; the rest comes from a sample machine. */
export const previewMachine = z.strictObject({
  id: z.string().min(1).max(80).optional(),
  macs: z.array(z.string().max(40)).max(16).optional(),
  uuid: z.string().max(64).optional(),
  serial: z.string().max(80).optional(),
  vendor: z.string().max(80).optional(),
  model: z.string().max(120).optional(),
  index: z.number().int().min(1).optional(),
});
export type PreviewMachine = z.input<typeof previewMachine>;

/** POST /api/v1/profiles/:id/preview */
export const previewBody = z
  .strictObject({
    /** Unsaved editor text to preview instead of the saved file. */
    text: z
      .string()
      .max(512 * 1024)
      .optional(),
    firmware: z.enum(['bios', 'uefi']).default('uefi'),
    machine: previewMachine.optional(),
  })
  .prefault({});
export type PreviewRequest = z.input<typeof previewBody>;

/** What a profile renders to for one machine, secrets and token masked. */
export const preview = z.object({
  hostname: z.string(),
  kernelCommandLine: z.string().nullable(),
  files: z.array(z.object({ name: z.string(), body: z.string() })),
  /** Secrets the profile names, and whether each is set (a missing one renders as missing). */
  secrets: z.array(z.object({ name: z.string(), set: z.boolean() })),
});
export type Preview = z.infer<typeof preview>;

/** Why a profile cannot be deployed now (GET /api/v1/profiles-readiness). */
export const readinessProblem = z.object({
  kind: z.enum(['secret', 'package', 'medium', 'invalid']),
  /** The secret, package or medium it is about. */
  name: z.string(),
  /** What is wrong, in words: `secret "admin-password" is not set`. */
  message: z.string(),
  /** What to do about it. */
  fix: z.string(),
});
export type ReadinessProblem = z.infer<typeof readinessProblem>;

export const profileReadiness = z.object({
  id: z.string(),
  ready: z.boolean(),
  problems: z.array(readinessProblem),
});
export type ProfileReadiness = z.infer<typeof profileReadiness>;

/** A secret's name and when it changed; values never leave the station this way. */
export const secretInfo = z.object({
  name: z.string(),
  updatedAt: z.string(),
  /** Profiles that reference it. */
  usedBy: z.array(z.string()),
});
export type SecretInfo = z.infer<typeof secretInfo>;

/** GET /api/v1/secrets: names, times, who uses each, and names profiles use but nobody set. */
export const secretsListing = z.object({
  keySource: z.string(),
  secrets: z.array(secretInfo),
  missing: z.array(z.string()),
});
export type SecretsListing = z.infer<typeof secretsListing>;

/** PUT /api/v1/secrets/:name: the value (write-only: no route sends it back). */
export const secretBody = z.strictObject({ value: z.string().min(1).max(4096) });
export const secretName = z.object({ name: z.string() });
