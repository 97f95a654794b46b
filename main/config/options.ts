import os from 'node:os';
import path from 'node:path';
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { secureBootPolicies } from '../boot/dhcp-policy.js';
import { validIpList } from '../net/dhcp/bench-options.js';

/**
 * Every station option, once. Flags, env vars (PREPSTATION_*) and config.yaml keys are all
 * derived from these names: `httpPort` is `--http-port`, `PREPSTATION_HTTP_PORT` and
 * `http-port:` in <data-dir>/config.yaml.
 */
const port = z.coerce
  .number({ error: 'must be a port number (1-65535, or 0 for any free port)' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');

const ipv4 = z.string().refine((v) => isIPv4(v), 'must be an IPv4 address such as 192.168.50.1');

export const dhcpModes = ['off', 'proxy', 'full'] as const;
export type DhcpMode = (typeof dhcpModes)[number];
export const uefiLoaders = ['ipxe.efi', 'snponly.efi'] as const;

const range = z
  .string()
  .regex(
    /^\d+\.\d+\.\d+\.\d+-\d+\.\d+\.\d+\.\d+$/,
    'must be FIRST-LAST, for example 192.168.50.100-192.168.50.199',
  )
  .refine((v) => v.split('-').every((a) => isIPv4(a)), 'both ends must be IPv4 addresses');

/** Up to 4 IPv4 addresses, comma- or space-separated. */
const ipList = z.string().superRefine((v, ctx) => {
  const problem = validIpList(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `must be IPv4 addresses: ${problem}` });
});

const bool = z.union([
  z.boolean(),
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => ['true', '1', 'yes'].includes(v)),
]);

export const optionsSchema = z
  .object({
    dataDir: z.string().min(1),
    profiles: z.string().min(1).optional(),
    files: z.string().min(1).optional(),
    benchAddress: ipv4.optional(),
    benchInterface: z
      .string()
      .regex(/^[A-Za-z0-9_.:@-]{1,15}$/, 'must be a network interface name such as enp3s0')
      .optional(),
    httpHost: ipv4.optional(),
    httpPort: port.default(8080),
    uiHost: z.string().min(1).default('127.0.0.1'),
    uiPort: port.default(7780),
    uiToken: z.string().min(16, 'must be at least 16 characters').optional(),
    dhcpMode: z
      .enum(dhcpModes, { error: `must be one of: ${dhcpModes.join(', ')}` })
      .default('off'),
    dhcpRange: range.optional(),
    dhcpOverride: bool.default(false),
    dhcpRouter: ipv4.optional(),
    dhcpDns: ipList.optional(),
    dhcpNtp: ipList.optional(),
    dhcpPort: port.default(67),
    proxyPort: port.default(4011),
    tftpPort: port.default(69),
    tftp: bool.default(true),
    uefiLoader: z
      .enum(uefiLoaders, { error: `must be one of: ${uefiLoaders.join(', ')}` })
      .default('ipxe.efi'),
    secureBoot: z
      .enum(secureBootPolicies, { error: `must be one of: ${secureBootPolicies.join(', ')}` })
      .default('auto'),
    stallMinutes: z.coerce.number().positive('must be a positive number of minutes').default(20),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
        error: 'must be one of: fatal, error, warn, info, debug, trace',
      })
      .default('info'),
    database: z
      .string()
      .regex(
        /^postgres(ql)?:\/\/\S+$/,
        'must be a PostgreSQL URL: postgres://user:password@host/db',
      )
      .optional(),
    stationName: z.string().trim().min(1).max(64, 'must be at most 64 characters').optional(),
    shopView: bool.default(false),
    shopUrl: z.url({ error: 'must be an http:// URL, e.g. http://10.0.0.21:8080' }).optional(),
    libraryOrigin: z.url({ error: 'must be an http(s):// URL' }).optional(),
  })
  .strict();

export type StationOptions = z.output<typeof optionsSchema>;
export type OptionName = keyof z.input<typeof optionsSchema>;

/** Help text per option, shown by `prepstation serve --help` and in the README. */
export const optionHelp: Record<OptionName, string> = {
  dataDir: 'SQLite, history, logs, token (default: the OS app-data folder)',
  profiles: 'customer profiles (default: <data-dir>/profiles, seeded from profiles/)',
  files: 'boot files, OS media, app packages (default: <data-dir>/files)',
  benchAddress: "the station's address on the bench network (what it binds and announces)",
  benchInterface: 'the bench network interface; DHCP answers only there (Linux)',
  httpHost: 'bench listener bind address (default: bench address, else 127.0.0.1)',
  httpPort: 'bench listener: boot scripts, files, agent API (default 8080)',
  uiHost: 'UI listener address (default 127.0.0.1)',
  uiPort: 'UI listener port (default 7780)',
  uiToken: 'fixed UI token (default: generated once, kept in data-dir)',
  dhcpMode: 'off | proxy | full (default off until a bench network is chosen)',
  dhcpRange: 'address pool for full mode, FIRST-LAST',
  dhcpOverride: 'start full DHCP even if another DHCP server answers on the bench',
  dhcpRouter: 'full mode: the gateway handed to machines (DHCP option 3)',
  dhcpDns: 'full mode: DNS servers handed to machines, comma-separated (option 6)',
  dhcpNtp: 'full mode: NTP servers handed to machines, comma-separated (option 42)',
  dhcpPort: 'DHCP server port (default 67)',
  proxyPort: 'PXE proxyDHCP port (default 4011)',
  tftpPort: 'TFTP port (default 69)',
  tftp: 'serve TFTP (default true)',
  uefiLoader:
    "what x64 UEFI PXE firmware loads: ipxe.efi (iPXE's own NIC drivers) or snponly.efi (the firmware's network stack, for NICs ipxe.efi cannot drive) (default ipxe.efi)",
  secureBoot:
    'x64 UEFI PXE under Secure Boot: auto (iPXE until a PC refuses it, then the signed chain), signed (shim + GRUB, Linux), ipxe (unsigned iPXE only) (default auto)',
  stallMinutes: 'minutes without word before an active machine is marked stalled (default 20)',
  logLevel: 'fatal | error | warn | info | debug | trace (default info)',
  database:
    'the shop PostgreSQL, postgres://user:password@host:5432/db: machine events are shipped there (default: none, the station stands alone)',
  stationName: "this station's name in the shop view (default: the host name)",
  shopView: 'add the shop view (every station of the shop, live, from --database) to this UI',
  shopUrl:
    "how the shop's other stations reach this station's bench listener for shared library files (default: the bench URL)",
  libraryOrigin:
    'an HTTP origin or cache tried first for shared library files, as <origin>/<sha256> (default: none, the holding stations only)',
};

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export function envName(name: string): string {
  return 'PREPSTATION_' + kebab(name).replace(/-/g, '_').toUpperCase();
}

/** The OS's per-user application data folder. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'PrepStation');
  }
  if (platform === 'darwin')
    return path.join(home, 'Library', 'Application Support', 'PrepStation');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'prepstation');
}
