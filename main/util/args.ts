import { parseArgs } from 'node:util';

/**
 * The one command-line parser of every `prepstation` command: node:util parseArgs, with the
 * checks and messages the commands share. A command declares its flags (and the station
 * options it takes, from config/load.ts `stationFlags`), parses once, and prints a UsageError
 * with its help and exit code 2.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /**
   * A station option's switch: `--no-NAME` turns it off and `--NAME=VALUE` hands VALUE
   * (true, false, yes, no...) to the option schema, as in config.yaml and PREPSTATION_*.
   */
  negatable?: boolean;
}
export type FlagSpecs = Record<string, FlagSpec>;

export type FlagValues<F extends FlagSpecs> = {
  -readonly [K in keyof F]?: F[K]['type'] extends 'string'
    ? string
    : F[K]['negatable'] extends true
      ? boolean | string
      : boolean;
};

export interface ParseOptions {
  /** Arguments that are not flags (a FILE, an ID); without this, each one is refused. */
  positionals?: boolean;
  /** Added to the "unexpected argument" message, e.g. 'options look like --http-port 8080'. */
  hint?: string;
}

/**
 * Parses argv against `flags` (kebab-case names, as typed). The last of a repeated flag wins.
 * parseArgs runs non-strict with tokens so that every refusal says the same thing in every
 * command: an unknown flag lists the known ones, a flag without its value says so.
 */
export function parseCommandLine<const F extends FlagSpecs>(
  argv: readonly string[],
  flags: F,
  opts: ParseOptions = {},
): { values: FlagValues<F>; positionals: string[] } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(flags).map(([name, f]) => [
        name,
        { type: f.type, ...(f.short ? { short: f.short } : {}) },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  // A station switch given as `--tftp false` (two words), as the station's parser has always
  // read it: the word after a bare switch is its value when it is a yes/no word.
  let bareSwitch: string | undefined;
  for (const t of tokens) {
    const pending = bareSwitch;
    bareSwitch = undefined;
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional' && pending !== undefined && switchWords.has(t.value)) {
      values[pending] = t.value;
      continue;
    }
    if (t.kind === 'positional') {
      if (!opts.positionals) {
        throw new UsageError(
          `unexpected argument "${t.value}"${opts.hint ? `; ${opts.hint}` : ''}`,
        );
      }
      positionals.push(t.value);
      continue;
    }
    const spec = Object.hasOwn(flags, t.name) ? flags[t.name] : undefined;
    const negated = t.rawName.startsWith('--no-') && t.rawName !== `--${t.name}`;
    if (!spec || (negated && !spec.negatable)) {
      throw new UsageError(`unknown option ${t.rawName}; known options: ${knownFlags(flags)}`);
    }
    if (spec.type === 'string') {
      // `--name --other`: parseArgs would take "--other" as the value; a forgotten value is
      // far likelier than a value that starts with two dashes (--name=--x still gives one).
      if (t.value === undefined || (!t.inlineValue && t.value.startsWith('--'))) {
        throw new UsageError(`${t.rawName} needs a value`);
      }
      values[t.name] = t.value;
    } else if (negated) {
      values[t.name] = false;
    } else if (t.value !== undefined) {
      if (!spec.negatable) throw new UsageError(`${t.rawName} takes no value`);
      values[t.name] = t.value;
    } else {
      values[t.name] = true;
      if (spec.negatable) bareSwitch = t.name;
    }
  }
  return { values: values as FlagValues<F>, positionals };
}

/** The words a station switch takes as its value, as the option schema reads them. */
const switchWords = new Set(['true', 'false', '1', '0', 'yes', 'no']);

function knownFlags(flags: FlagSpecs): string {
  return Object.keys(flags)
    .filter((n) => n !== 'help')
    .map((n) => '--' + n)
    .join(', ');
}

/** The flag kinds every command uses: `--name VALUE`, a switch, and `--help` / `-h`. */
export const valueFlag = { type: 'string' } as const;
export const switchFlag = { type: 'boolean' } as const;
export const helpFlag = { type: 'boolean', short: 'h' } as const;

/**
 * The `<sub>` of `prepstation <command> <sub> ...`, the same way in every command with
 * subcommands: none prints the help (exit 2), --help / -h prints it (exit 0), an unknown one
 * is refused with the help (exit 2). Returns the exit code in those cases.
 */
export function subcommand<const S extends string>(
  argv: readonly string[],
  command: string,
  subs: readonly S[],
  help: () => string,
): { sub: S; args: string[] } | number {
  const [sub, ...args] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(help() + '\n');
    return sub ? 0 : 2;
  }
  if (!(subs as readonly string[]).includes(sub)) {
    process.stderr.write(`prepstation ${command}: unknown subcommand "${sub}"\n${help()}\n`);
    return 2;
  }
  return { sub: sub as S, args };
}
