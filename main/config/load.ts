import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { parseCommandLine, UsageError, type FlagSpec } from '../util/args.js';
import {
  defaultDataDir,
  envName,
  kebab,
  optionHelp,
  optionsSchema,
  type OptionName,
  type StationOptions,
} from './options.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ResolvedConfig {
  options: StationOptions;
  /** Where each option's value came from, for the start-up banner and support. */
  sources: Partial<Record<OptionName, 'flag' | 'env' | 'file' | 'default'>>;
  configFile: string;
}

const names = Object.keys(optionHelp) as OptionName[];
const byKebab = new Map(names.map((n) => [kebab(n), n]));

export type StationFlags = Partial<Record<OptionName, string | boolean>>;

/**
 * An option is a switch when the schema reads "false" as false (dhcpOverride, tftp): it is
 * `--name`, `--no-name` or `--name=false` on the command line; every other one takes a value.
 */
const isSwitch = (n: OptionName): boolean =>
  optionsSchema.shape[n].safeParse('false').data === false;

/** The flags of station options (all of them by default), for a command's parseCommandLine. */
export function stationFlags(only: readonly OptionName[] = names): Record<string, FlagSpec> {
  return Object.fromEntries(
    only.map((n) => [
      kebab(n),
      isSwitch(n) ? { type: 'boolean', negatable: true } : { type: 'string' },
    ]),
  );
}

/** The station options among a command's parsed flags, by option name, for resolveConfig. */
export function stationValues(
  values: Record<string, string | boolean | undefined>,
  only: readonly OptionName[] = names,
): StationFlags {
  const out: StationFlags = {};
  for (const n of only) {
    const v = values[kebab(n)];
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/** Parses `--name value`, `--name=value` and the switches `--name` / `--no-name`. */
export function parseFlags(argv: readonly string[]): StationFlags {
  try {
    const { values } = parseCommandLine(argv, stationFlags(), {
      hint: 'options look like --http-port 8080',
    });
    return stationValues(values);
  } catch (err) {
    if (err instanceof UsageError) throw new ConfigError(err.message);
    throw err;
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new ConfigError(
      `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`,
    );
  }
  const value: unknown = doc.toJS();
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}: expected option: value lines, such as "http-port: 8080"`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name =
      byKebab.get(k) ?? (names.includes(k as OptionName) ? (k as OptionName) : undefined);
    if (!name || name === 'dataDir') {
      throw new ConfigError(
        `${file}: unknown option "${k}"; known options: ${names
          .filter((n) => n !== 'dataDir')
          .map(kebab)
          .join(', ')}`,
      );
    }
    out[name] = v;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, source: string): string {
  const key = String(issue.path[0] ?? '');
  const where =
    source === 'flag'
      ? `--${kebab(key)}`
      : source === 'env'
        ? envName(key)
        : source === 'file'
          ? `${kebab(key)} (config.yaml)`
          : `--${kebab(key)}`;
  return `invalid value for ${where}: ${issue.message}. ${optionHelp[key as OptionName] ?? ''}`.trim();
}

/**
 * Resolves options: flags, then env (PREPSTATION_*), then <data-dir>/config.yaml, then
 * defaults. A bad value throws ConfigError naming the option and what it allows.
 */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  defaults: { dataDir?: string } = {},
): ResolvedConfig {
  return resolveConfig(parseFlags(argv), env, defaults);
}

/** loadConfig for flags a command has parsed already (stationValues of its command line). */
export function resolveConfig(
  flags: StationFlags,
  env: NodeJS.ProcessEnv = process.env,
  defaults: { dataDir?: string } = {},
): ResolvedConfig {
  const sources: ResolvedConfig['sources'] = {};
  const merged: Record<string, unknown> = {};

  const dataDir =
    (flags.dataDir as string | undefined) ??
    env[envName('dataDir')] ??
    defaults.dataDir ??
    defaultDataDir();
  if (typeof dataDir !== 'string' || dataDir === '') {
    throw new ConfigError('invalid value for --data-dir: must be a folder path');
  }
  const configFile = path.join(path.resolve(dataDir), 'config.yaml');
  const fromFile = readConfigFile(configFile);

  for (const name of names) {
    if (flags[name] !== undefined) {
      merged[name] = flags[name];
      sources[name] = 'flag';
    } else if (env[envName(name)] !== undefined && env[envName(name)] !== '') {
      merged[name] = env[envName(name)];
      sources[name] = 'env';
    } else if (fromFile[name] !== undefined) {
      merged[name] = fromFile[name];
      sources[name] = 'file';
    } else {
      sources[name] = 'default';
    }
  }
  merged.dataDir = path.resolve(dataDir);

  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((i) =>
      describeIssue(i, sources[String(i.path[0]) as OptionName] ?? 'default'),
    );
    throw new ConfigError(messages.join('\n'));
  }
  const options = parsed.data;
  if (options.dhcpMode === 'full' && !options.dhcpRange) {
    throw new ConfigError(
      'invalid value for --dhcp-range: full DHCP mode needs an address pool, for example --dhcp-range 192.168.50.100-192.168.50.199',
    );
  }
  if (options.dhcpMode !== 'off' && !options.benchAddress) {
    throw new ConfigError(
      `invalid value for --bench-address: DHCP mode "${options.dhcpMode}" needs the station's address on the bench network (--bench-address), so that it never answers on another network`,
    );
  }
  return { options, sources, configFile };
}

/** Resolved folders, with the defaults under the data dir. */
export function stationPaths(o: StationOptions): {
  dataDir: string;
  profilesDir: string;
  filesDir: string;
  logsDir: string;
  dbFile: string;
} {
  return {
    dataDir: o.dataDir,
    profilesDir: path.resolve(o.profiles ?? path.join(o.dataDir, 'profiles')),
    filesDir: path.resolve(o.files ?? path.join(o.dataDir, 'files')),
    logsDir: path.join(o.dataDir, 'logs'),
    dbFile: path.join(o.dataDir, 'prepstation.db'),
  };
}
