import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
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

/** Parses `--name value`, `--name=value` and bare boolean `--name` / `--no-name` flags. */
export function parseFlags(argv: string[]): Partial<Record<OptionName, string | boolean>> {
  const out: Partial<Record<OptionName, string | boolean>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      throw new ConfigError(`unexpected argument "${arg}"; options look like --http-port 8080`);
    }
    const [rawKey, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const negated = rawKey.startsWith('no-') && byKebab.has(rawKey.slice(3));
    const key = byKebab.get(negated ? rawKey.slice(3) : rawKey);
    if (!key) {
      throw new ConfigError(
        `unknown option --${rawKey}; known options: ${names.map((n) => '--' + kebab(n)).join(', ')}`,
      );
    }
    if (negated) {
      out[key] = false;
      continue;
    }
    if (inline !== undefined) {
      out[key] = inline;
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) {
      out[key] = true;
      continue;
    }
    out[key] = next;
    i++;
  }
  return out;
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
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  defaults: { dataDir?: string } = {},
): ResolvedConfig {
  const flags = parseFlags(argv);
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
