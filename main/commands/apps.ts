import fs from 'node:fs';
import { ConfigError, loadConfig, stationPaths } from '../config/load.js';
import { AppLibrary } from '../apps/library.js';
import { openDatabase } from '../db/open.js';

export function appsHelp(): string {
  return [
    'prepstation apps import FILE --name NAME --version VERSION [--id ID] [--sha256 HEX] [--data-dir DIR] [--files DIR]',
    '    copy an installer into the app library (<files>/apps); profiles reference it as',
    '    source: { package: ID } (ID defaults to the name in lowercase with dashes)',
    'prepstation apps list [--json] [--data-dir DIR] [--files DIR]',
  ].join('\n');
}

/** Takes `--name value` pairs that are ours out of argv; the rest are station options. */
function takeFlags(argv: string[], names: string[]): { ours: Map<string, string>; rest: string[] } {
  const ours = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [key, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [''];
    if (key && names.includes(key)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new ConfigError(`--${key} needs a value`);
      ours.set(key, value);
    } else {
      rest.push(arg);
    }
  }
  return { ours, rest };
}

/**
 * Works on the data dir directly (SQLite in WAL mode lets it run beside a running
 * station), so a technician can import from a shell on the station.
 */
export async function apps(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    process.stdout.write(appsHelp() + '\n');
    return sub ? 0 : 2;
  }
  try {
    if (sub === 'list') {
      const json = args.includes('--json');
      const { options } = loadConfig(args.filter((a) => a !== '--json'));
      const p = stationPaths(options);
      const db = openDatabase(p.dbFile);
      try {
        const list = new AppLibrary(db, p.filesDir).list();
        if (json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        else {
          for (const a of list) {
            process.stdout.write(
              `${a.id.padEnd(24)} ${a.name} ${a.version}  ${a.size} bytes  sha256 ${a.sha256}\n`,
            );
          }
        }
      } finally {
        db.close();
      }
      return 0;
    }
    if (sub === 'import') {
      const file = args[0];
      if (!file || file.startsWith('--')) {
        process.stderr.write(
          `prepstation apps import: give the installer file first\n${appsHelp()}\n`,
        );
        return 2;
      }
      const { ours, rest } = takeFlags(args.slice(1), ['name', 'version', 'id', 'sha256']);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        process.stderr.write(`prepstation apps import: no such file: ${file}\n`);
        return 1;
      }
      const { options } = loadConfig(rest);
      const p = stationPaths(options);
      fs.mkdirSync(p.filesDir, { recursive: true });
      const db = openDatabase(p.dbFile);
      try {
        const library = new AppLibrary(db, p.filesDir);
        const r = await library.importFile(file, {
          name: ours.get('name'),
          version: ours.get('version'),
          id: ours.get('id'),
          expectedSha256: ours.get('sha256'),
        });
        if (!r.ok) {
          process.stderr.write(`prepstation apps import: ${r.error.message}\n`);
          return 1;
        }
        const a = r.value;
        process.stdout.write(
          [
            `Imported ${a.name} ${a.version} as package "${a.id}"${r.replaced ? ` (was ${r.replaced.version})` : ''}`,
            `  file:   ${a.path} (${a.size} bytes)`,
            `  sha256: ${a.sha256}`,
            `  in a profile: source: { package: ${a.id} }`,
            '',
          ].join('\n'),
        );
        return 0;
      } finally {
        db.close();
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`prepstation apps: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stderr.write(`prepstation apps: unknown subcommand "${sub}"\n${appsHelp()}\n`);
  return 2;
}
