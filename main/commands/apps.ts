import fs from 'node:fs';
import {
  ConfigError,
  resolveConfig,
  stationFlags,
  stationPaths,
  stationValues,
} from '../config/load.js';
import { AppLibrary } from '../apps/library.js';
import { openDatabase } from '../db/open.js';
import {
  helpFlag,
  parseCommandLine,
  subcommand,
  switchFlag,
  UsageError,
  valueFlag,
} from '../util/args.js';

export function appsHelp(): string {
  return [
    'prepstation apps import FILE --name NAME --version VERSION [--id ID] [--sha256 HEX] [--data-dir DIR] [--files DIR]',
    '    copy an installer into the app library (<files>/apps); profiles reference it as',
    '    source: { package: ID } (ID defaults to the name in lowercase with dashes)',
    'prepstation apps list [--json] [--data-dir DIR] [--files DIR]',
  ].join('\n');
}

/**
 * Works on the data dir directly (SQLite in WAL mode lets it run beside a running
 * station), so a technician can import from a shell on the station.
 */
export async function apps(argv: string[]): Promise<number> {
  const picked = subcommand(argv, 'apps', ['list', 'import'], appsHelp);
  if (typeof picked === 'number') return picked;
  const { sub, args } = picked;
  try {
    if (sub === 'list') {
      const { values } = parseCommandLine(args, {
        ...stationFlags(),
        json: switchFlag,
        help: helpFlag,
      });
      if (values.help) return printHelp();
      const json = values.json === true;
      const { options } = resolveConfig(stationValues(values));
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
      const { values, positionals } = parseCommandLine(
        args,
        {
          ...stationFlags(),
          name: valueFlag,
          version: valueFlag,
          id: valueFlag,
          sha256: valueFlag,
          help: helpFlag,
        },
        { positionals: true },
      );
      if (values.help) return printHelp();
      const [file, extra] = positionals;
      if (!file) {
        process.stderr.write(
          `prepstation apps import: give the installer file first\n${appsHelp()}\n`,
        );
        return 2;
      }
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        process.stderr.write(`prepstation apps import: no such file: ${file}\n`);
        return 1;
      }
      const { options } = resolveConfig(stationValues(values));
      const p = stationPaths(options);
      fs.mkdirSync(p.filesDir, { recursive: true });
      const db = openDatabase(p.dbFile);
      try {
        const library = new AppLibrary(db, p.filesDir);
        const r = await library.importFile(file, {
          name: values.name,
          version: values.version,
          id: values.id,
          expectedSha256: values.sha256,
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
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`prepstation apps: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return 2;
}

function printHelp(): number {
  process.stdout.write(appsHelp() + '\n');
  return 0;
}
