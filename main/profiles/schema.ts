import { z } from 'zod';
import { maxHostnameLength, parseHostnamePattern } from './hostname.js';
import {
  appSchema,
  checkSchema,
  configStepSchema,
  idSchema,
  secretRefSchema,
} from './schema-steps.js';

export * from './schema-steps.js';
import {
  linuxPathSchema,
  mirrorDirectorySchema,
  mirrorHostSchema,
  oneLineTextSchema,
  packageNameSchema,
  repoUrlSchema,
  timezoneSchema,
  windowsTimezoneSchema,
} from './schema-safe.js';

/**
 * The one strict schema of a customer profile. A file may `extends` a base profile and
 * give only what differs; the merged result (see resolve.ts) is what this schema checks,
 * so there is one set of rules for bases and customers alike.
 */

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    message: 'a path inside the station files dir (no leading /, no ..)',
  });

/** A medium of the media library (main/media): what `prepstation media list` shows. */
export const mediaIdSchema = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/,
    'the id of an imported medium (lowercase letters, digits, dashes; prepstation media list), not a folder: import the ISO with prepstation media import FILE.iso --id win11-24h2',
  );

/**
 * An edition's EDITIONID or NAME. Rendered into answer files and scripts, so only the
 * characters edition names use: no newline, quote, %, $ or braces.
 */
export const editionSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._,()+-]*$/u, 'letters, digits, spaces and . _ , ( ) + - only');

/** Keys that were removed, with what to write instead (shown for old profiles). */
export const REMOVED_KEYS: Record<string, string> = {
  'target.share':
    'target.share was removed: WinPE downloads the image over HTTP from the station, no SMB share is needed. Delete the share block (and its share-password secret); name the imported medium with media: <id>.',
  'target.image':
    'target.image was removed: write edition: <EDITIONID or NAME> instead (e.g. edition: Professional or edition: Windows 11 Pro); the image index comes from the imported medium.',
};

export const windowsTargetSchema = z.strictObject({
  os: z.literal('windows'),
  version: z.enum(['10', '11']),
  media: mediaIdSchema.describe(
    'Id of the imported Windows medium (prepstation media import FILE.iso; prepstation media list)',
  ),
  edition: editionSchema.describe(
    'Edition of the medium: its EDITIONID (Professional) or NAME (Windows 11 Pro), any case',
  ),
  productKey: secretRefSchema.optional(),
  labBypass: z
    .boolean()
    .default(false)
    .describe('Skip TPM/Secure Boot/RAM checks (LabConfig). Test benches only, never customers'),
});

const linuxBase = {
  media: linuxPathSchema.describe('Folder in the files dir with the installer kernel and initrd'),
  packages: z.array(packageNameSchema).max(500).default([]).describe('Extra OS packages'),
};

export const ubuntuTargetSchema = z.strictObject({
  os: z.literal('ubuntu'),
  version: z.enum(['24.04']),
  ...linuxBase,
  iso: linuxPathSchema.describe('The live-server ISO in the files dir, fetched by the installer'),
});

export const debianTargetSchema = z.strictObject({
  os: z.literal('debian'),
  version: z.enum(['12']),
  ...linuxBase,
  mirror: z
    .strictObject({
      host: mirrorHostSchema.default('deb.debian.org'),
      directory: mirrorDirectorySchema.default('/debian'),
    })
    .prefault({}),
});

export const kickstartTargetSchema = z.strictObject({
  os: z.enum(['fedora', 'rhel', 'rocky', 'alma']),
  version: z.string().regex(/^\d+(\.\d+)?$/),
  ...linuxBase,
  repo: repoUrlSchema.describe('Installation repository (inst.repo)'),
});

export const targetSchema = z
  .discriminatedUnion('os', [
    windowsTargetSchema,
    ubuntuTargetSchema,
    debianTargetSchema,
    kickstartTargetSchema,
  ])
  .describe('The operating system to install');
export type TargetOs = z.output<typeof targetSchema>;
export type WindowsTarget = z.output<typeof windowsTargetSchema>;
export type UbuntuTarget = z.output<typeof ubuntuTargetSchema>;
export type DebianTarget = z.output<typeof debianTargetSchema>;
export type KickstartTarget = z.output<typeof kickstartTargetSchema>;
export type OsFamily = 'windows' | 'linux';

export function osFamily(t: TargetOs): OsFamily {
  return t.os === 'windows' ? 'windows' : 'linux';
}

export const customerSchema = z.strictObject({
  name: z.string().min(1).describe('Customer name, as printed on the report'),
  code: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,10}$/, 'up to 10 letters, digits or dashes (used in hostnames)'),
  contact: z
    .strictObject({
      name: z.string().optional(),
      email: z.string().optional(),
      phone: z.string().optional(),
    })
    .optional(),
  logo: relPath.optional().describe('Logo image in the files dir, for the report'),
});
export type Customer = z.output<typeof customerSchema>;

export const localeSchema = z.strictObject({
  language: z
    .string()
    .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'a language tag like de-DE')
    .default('en-US'),
  keyboard: z
    .string()
    .regex(/^[a-z]{2}(-[a-z0-9]+)?$/, 'a keyboard layout like de, us or ch-fr')
    .default('us'),
  timezone: timezoneSchema.default('UTC').describe('IANA time zone, e.g. Europe/Berlin'),
  windowsTimezone: windowsTimezoneSchema
    .optional()
    .describe('Windows time zone id when the IANA one has no known mapping'),
});
export type Locale = z.output<typeof localeSchema>;

export const diskSchema = z.strictObject({
  wipe: z.boolean().default(true).describe('Erase the whole target disk'),
  disk: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Windows: only this disk number may be used (default: the rule below chooses)'),
  select: z
    .enum(['first', 'smallest', 'largest'])
    .default('first')
    .describe('Windows: which internal disk (not USB, not removable) of at least minSizeGB'),
  minSizeGB: z
    .number()
    .int()
    .min(1)
    .default(60)
    .describe('Windows: smallest disk to install on, in GB (10^9 bytes)'),
  model: z
    .string()
    .regex(/^[A-Za-z0-9 ._-]{1,40}$/, 'letters, digits, space . _ - (cmd.exe compares it)')
    .optional()
    .describe('Windows: the disk model must contain this, e.g. NVMe or Samsung'),
  layout: z.enum(['auto', 'gpt', 'mbr']).default('auto').describe('auto: GPT on UEFI, MBR on BIOS'),
  recovery: z.boolean().default(false).describe('Windows: add a recovery partition'),
});
export type Disk = z.output<typeof diskSchema>;

export const adminSchema = z.strictObject({
  username: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,19}$/, 'up to 20 letters, digits, _ . -'),
  fullName: oneLineTextSchema.optional(),
  password: secretRefSchema,
});
export type Admin = z.output<typeof adminSchema>;

export const joinSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('workgroup'),
      name: z.string().min(1).max(15).default('WORKGROUP'),
    }),
    z.strictObject({
      type: z.literal('domain'),
      domain: z.string().min(1).describe('DNS name of the domain, e.g. corp.example.com'),
      ou: z.string().optional().describe('OU distinguished name'),
      username: z.string().min(1),
      password: secretRefSchema,
    }),
  ])
  .describe('Workgroup or domain join');
export type Join = z.output<typeof joinSchema>;

const packIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a driver pack id');
export const driversSchema = z
  .strictObject({
    pin: z
      .array(packIdSchema)
      .optional()
      .describe('Windows: exactly these driver packs, instead of the ones for the model'),
    add: z
      .array(packIdSchema)
      .default([])
      .describe('Windows: driver packs added to the ones chosen for the model'),
  })
  .describe('Driver packs from the driver library (prepstation drivers import)');
export type Drivers = z.output<typeof driversSchema>;

export const profileSchema = z
  .strictObject({
    id: idSchema.describe('Same as the file name without .yaml'),
    name: z.string().min(1).describe('Shown in the station, e.g. "Dental practice Weber"'),
    description: z.string().optional(),
    extends: idSchema.optional().describe('Id of the base profile this one overrides'),
    abstract: z
      .boolean()
      .default(false)
      .describe('A base only: cannot be assigned to machines itself'),
    customer: customerSchema.optional(),
    target: targetSchema,
    locale: localeSchema.prefault({}),
    disk: diskSchema.prefault({}),
    admin: adminSchema,
    hostname: z
      .string()
      .min(1)
      .default('{customer.code}-{serial|last:6}')
      .superRefine((pattern, ctx) => {
        const parsed = parseHostnamePattern(pattern);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      })
      .describe('Pattern, e.g. {customer.code}-{serial|last:6}; Windows keeps 15 chars'),
    join: joinSchema.prefault({ type: 'workgroup' }),
    drivers: driversSchema.prefault({}),
    apps: z.array(appSchema).default([]),
    config: z.array(configStepSchema).default([]),
    checks: z.array(checkSchema).default([]),
  })
  .superRefine((p, ctx) => {
    for (const key of ['apps', 'config', 'checks'] as const) {
      const seen = new Set<string>();
      p[key].forEach((item, i) => {
        if (seen.has(item.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'id'],
            message: `duplicate id "${item.id}" in ${key}`,
          });
        }
        seen.add(item.id);
      });
    }
    const appIds = new Set(p.apps.map((a) => a.id));
    p.checks.forEach((c, i) => {
      if (c.type === 'app-installed' && !appIds.has(c.app)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'app'],
          message: `no app with id "${c.app}" in this profile`,
        });
      }
    });
    // NetBIOS keeps 15 characters: a longer name is cut, and machines whose names differ
    // only after the cut would all get the same one.
    const longest = maxHostnameLength(p.hostname, p.customer?.code);
    if (p.target.os === 'windows' && longest > 15) {
      ctx.addIssue({
        code: 'custom',
        path: ['hostname'],
        message: `Windows computer names keep 15 characters; this pattern can give ${Number.isFinite(longest) ? longest : 'more'}: cut variables, e.g. {serial|last:6}`,
      });
    }
    if (osFamily(p.target) === 'linux' && p.join.type === 'domain') {
      ctx.addIssue({
        code: 'custom',
        path: ['join', 'type'],
        message: 'domain join is supported for Windows targets only',
      });
    }
  })
  .describe('A PrepStation customer profile');

/** A resolved, validated profile (extends applied, defaults filled in). */
export type Profile = z.output<typeof profileSchema>;
/** What a profile file may hold before defaults (for the UI editor and tests). */
export type ProfileInput = z.input<typeof profileSchema>;
