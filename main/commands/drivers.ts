import {
  ConfigError,
  resolveConfig,
  stationFlags,
  stationPaths,
  stationValues,
} from '../config/load.js';
import { DriverImportError, DriverLibrary } from '../drivers/library.js';
import {
  helpFlag,
  parseCommandLine,
  subcommand,
  switchFlag,
  UsageError,
  valueFlag,
} from '../util/args.js';

export function driversHelp(): string {
  return [
    'prepstation drivers import FOLDER|FILE.cab --vendor V --model M [--winpe] [--id ID] [--files DIR]',
    '    store a driver pack in the driver library (<files>/drivers), every file hashed (sha256);',
    '    V and M as the machines report them (Win32_ComputerSystem Manufacturer / Model, e.g.',
    '    "Dell Inc." "Latitude 5440"); --winpe: storage/network drivers WinPE loads (drvload)',
    '    before it looks for the disk, else drivers DISM adds to the installed Windows',
    'prepstation drivers list [--json] [--files DIR]',
    'prepstation drivers delete ID [--files DIR]',
  ].join('\n');
}

const gb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** Works on the files dir directly, beside a running station (imports land atomically). */
export async function drivers(argv: string[]): Promise<number> {
  const picked = subcommand(argv, 'drivers', ['list', 'import', 'delete'], driversHelp);
  if (typeof picked === 'number') return picked;
  const { sub, args } = picked;
  try {
    const { values, positionals: positional } = parseCommandLine(
      args,
      {
        ...stationFlags(),
        vendor: valueFlag,
        model: valueFlag,
        id: valueFlag,
        winpe: switchFlag,
        json: switchFlag,
        help: helpFlag,
      },
      { positionals: true },
    );
    if (values.help) {
      process.stdout.write(driversHelp() + '\n');
      return 0;
    }
    const { options } = resolveConfig(stationValues(values));
    const library = new DriverLibrary(stationPaths(options).filesDir);
    if (sub === 'list') {
      const list = library.list();
      if (values.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      else if (list.length === 0)
        process.stdout.write(
          'No driver packs. Import one: prepstation drivers import FOLDER --vendor V --model M\n',
        );
      else {
        for (const p of list) {
          process.stdout.write(
            `${p.id.padEnd(32)} ${p.vendor} / ${p.model}${p.winpe ? ' (WinPE)' : ''}  ${p.files} files, ${p.infs} .inf, ${gb(p.bytes)}  sha256 ${p.sha256}\n`,
          );
        }
      }
      return 0;
    }
    if (sub === 'import') {
      const source = positional[0];
      const { vendor, model } = values;
      if (!source || !vendor || !model) {
        process.stderr.write(
          `prepstation drivers import: give FOLDER|FILE.cab, --vendor and --model\n${driversHelp()}\n`,
        );
        return 2;
      }
      const { pack, replaced } = await library.import({
        source,
        vendor,
        model,
        winpe: values.winpe === true,
        ...(values.id ? { id: values.id } : {}),
      });
      process.stdout.write(
        [
          `Imported driver pack "${pack.id}"${replaced ? ' (replaced the previous one)' : ''}: ${pack.vendor} / ${pack.model}${pack.winpe ? ', for WinPE' : ''}`,
          `  ${pack.files} files, ${pack.infs} .inf, ${gb(pack.bytes)} in ${pack.dir}`,
          `  sha256: ${pack.sha256}`,
          `  machines reporting this vendor and model get it; a profile can also pin or add it (drivers: { add: [${pack.id}] })`,
          '',
        ].join('\n'),
      );
      return 0;
    }
    if (sub === 'delete') {
      const id = positional[0];
      if (!id) {
        process.stderr.write(`prepstation drivers delete: give the pack id\n`);
        return 2;
      }
      if (!library.remove(id)) {
        process.stderr.write(
          `prepstation drivers delete: no pack "${id}" (prepstation drivers list)\n`,
        );
        return 1;
      }
      process.stdout.write(`Deleted driver pack "${id}"\n`);
      return 0;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`prepstation drivers: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DriverImportError) {
      process.stderr.write(`prepstation drivers import: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return 2;
}
