import { z } from 'zod';

/**
 * The ordered parts of a profile that become agent steps: apps, configuration steps and
 * checks. Every object is strict (unknown keys are errors) and every item has an `id`,
 * which is how a customer profile overrides or disables one item of its base.
 */

export const idSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lowercase letters, digits and dashes, e.g. firefox-esr')
  .describe('Stable id: lowercase letters, digits and dashes');

/** Secrets are referenced by name, never written into a profile. */
export const secretRefSchema = z
  .strictObject({ secret: idSchema.describe('Name of a secret in the station secrets store') })
  .describe('A secret, referenced by name, e.g. { secret: admin-password }');
export type SecretRef = z.output<typeof secretRefSchema>;

const sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 is 64 hex digits');
const exitCodes = z.array(z.number().int());

const itemBase = {
  id: idSchema,
  name: z.string().min(1).optional().describe('What a technician sees in the plan and report'),
  enabled: z
    .boolean()
    .default(true)
    .describe('false leaves this item out, e.g. to disable an item of the base profile'),
};

export const appSourceSchema = z
  .union([
    z.strictObject({
      package: idSchema.describe('Package id in the station app library (files dir)'),
    }),
    z.strictObject({
      url: z.url().describe('Download URL; the agent checks sha256 and size'),
      sha256,
      size: z.number().int().positive().describe('Size in bytes'),
    }),
    z.strictObject({
      system: z.string().min(1).describe('Package of the OS package manager (apt, dnf)'),
    }),
  ])
  .describe('Where the installer comes from: { package }, { url, sha256, size } or { system }');
export type AppSource = z.output<typeof appSourceSchema>;

export const detectionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('msi'),
      productCode: z
        .string()
        .regex(/^\{[0-9A-Fa-f-]{36}\}$/, 'an MSI ProductCode looks like {XXXXXXXX-XXXX-...}'),
      version: z.string().optional().describe('Minimum DisplayVersion'),
    }),
    z.strictObject({
      type: z.literal('uninstall-key'),
      displayName: z.string().min(1).describe('DisplayName under ...\\Uninstall (both views)'),
      version: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('file'),
      path: z.string().min(1),
      version: z.string().optional().describe('Minimum file version'),
    }),
    z.strictObject({
      type: z.literal('registry'),
      key: z.string().min(1),
      name: z.string().optional(),
      equals: z.union([z.string(), z.number()]).optional(),
    }),
    z.strictObject({
      type: z.literal('command'),
      command: z.string().min(1).describe('Installed when this exits 0'),
    }),
  ])
  .describe('How the agent tells that an app is already installed (skip) or got installed');
export type Detection = z.output<typeof detectionSchema>;

export const appSchema = z
  .strictObject({
    ...itemBase,
    name: z.string().min(1).describe('Display name, e.g. Mozilla Firefox'),
    source: appSourceSchema,
    installer: z
      .enum(['msi', 'exe', 'msix', 'deb', 'rpm', 'sh', 'ps1', 'system'])
      .default('exe')
      .describe('How the agent runs it: msi via msiexec /i, exe directly, system via apt/dnf'),
    args: z.string().default('').describe('Silent arguments, e.g. /qn /norestart or /S'),
    successCodes: exitCodes.default([0]).describe('Exit codes that mean success'),
    rebootCodes: exitCodes
      .default([3010, 1641])
      .describe('Exit codes that mean success, reboot needed (MSI 3010, 1641)'),
    detect: detectionSchema.optional(),
    timeoutSeconds: z.number().int().positive().default(1800),
    retries: z.number().int().min(0).max(10).default(1),
  })
  .describe('An application, installed silently in order');
export type App = z.output<typeof appSchema>;

const registryValue = z.union([z.string(), z.number().int(), z.array(z.string())]);

export const configStepSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...itemBase,
      type: z.literal('registry'),
      key: z
        .string()
        .regex(
          /^(HKLM|HKCU|HKU|HKCR|HKEY_[A-Z_]+)\\/,
          'start with a hive, e.g. HKLM\\SOFTWARE\\...',
        ),
      valueName: z.string().describe('Value name; empty string is the default value'),
      kind: z.enum(['String', 'ExpandString', 'DWord', 'QWord', 'MultiString', 'Binary']),
      value: registryValue.optional(),
      delete: z.boolean().default(false),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('file'),
      path: z.string().min(1).describe('Target path on the machine'),
      content: z.string().optional().describe('Literal content'),
      source: appSourceSchema.optional().describe('Or a file from the library / a URL'),
      mode: z
        .string()
        .regex(/^[0-7]{3,4}$/)
        .optional()
        .describe('Linux mode, e.g. 0644'),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('script'),
      shell: z.enum(['powershell', 'cmd', 'sh', 'bash']),
      script: z.string().min(1),
      successCodes: exitCodes.default([0]),
      rebootCodes: exitCodes.default([]),
      timeoutSeconds: z.number().int().positive().default(600),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('wifi'),
      ssid: z.string().min(1).max(32),
      security: z.enum(['open', 'wpa2-personal', 'wpa3-personal']).default('wpa2-personal'),
      passphrase: secretRefSchema.optional(),
      hidden: z.boolean().default(false),
      autoConnect: z.boolean().default(true),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('power'),
      plan: z.enum(['balanced', 'high-performance', 'power-saver']).optional(),
      sleepMinutesAc: z.number().int().min(0).optional().describe('0 = never'),
      sleepMinutesDc: z.number().int().min(0).optional(),
      monitorMinutesAc: z.number().int().min(0).optional(),
      monitorMinutesDc: z.number().int().min(0).optional(),
      hibernate: z.boolean().optional(),
      fastStartup: z.boolean().optional(),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('wallpaper'),
      image: z.string().min(1).describe('Image file in the station files dir'),
      style: z.enum(['fill', 'fit', 'stretch', 'center', 'tile', 'span']).default('fill'),
      lockScreen: z.boolean().default(false),
    }),
  ])
  .describe('A configuration step, applied in order after the apps');
export type ConfigStep = z.output<typeof configStepSchema>;
export type ConfigStepType = ConfigStep['type'];

export const checkSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      ...itemBase,
      type: z.literal('app-installed'),
      app: idSchema.describe('Id of an app of this profile; uses its detection rule'),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('registry'),
      key: z.string().min(1),
      valueName: z.string(),
      expected: z.union([z.string(), z.number()]),
    }),
    z.strictObject({ ...itemBase, type: z.literal('file-exists'), path: z.string().min(1) }),
    z.strictObject({
      ...itemBase,
      type: z.literal('service'),
      service: z.string().min(1),
      expected: z.enum(['running', 'stopped']).default('running'),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('command'),
      shell: z.enum(['powershell', 'cmd', 'sh', 'bash']),
      command: z.string().min(1),
      expectedExitCode: z.number().int().default(0),
      expectedOutput: z.string().optional().describe('Trimmed stdout must equal this'),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('hostname'),
      description: z.string().optional(),
    }),
    z.strictObject({
      ...itemBase,
      type: z.literal('joined'),
      description: z.string().optional().describe('Domain or workgroup matches the profile'),
    }),
  ])
  .describe('A post-deploy verification; its result goes into the report');
export type Check = z.output<typeof checkSchema>;
export type CheckType = Check['type'];
