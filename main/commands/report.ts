import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  resolveConfig,
  stationFlags,
  stationPaths,
  stationValues,
} from '../config/load.js';
import { openDatabase } from '../db/open.js';
import {
  batchReportFor,
  machineReportFor,
  renderReport,
  reportFormats,
  type ReportFormat,
} from '../reports/build.js';
import { readShop } from '../reports/settings.js';
import { helpFlag, parseCommandLine, UsageError, valueFlag } from '../util/args.js';
import { packageVersion } from '../util/package-root.js';

export function reportHelp(): string {
  return [
    'prepstation report (--machine MAC|ID | --batch ID) --format pdf|csv|json --out FILE',
    '',
    'Writes a prep report from a station data dir (a running station may keep running).',
    '  --machine MAC|ID     one machine, by any of its MACs or its id',
    '  --batch ID           a batch: summary table, then every machine it assigned',
    '  --format F           pdf (default), csv or json',
    '  --out FILE           where to write it; - for stdout',
    '  --paper a4|letter    PDF paper size (default: the shop settings, else a4)',
    '  --technician NAME    technician named on the report (default: the shop settings)',
    '  --data-dir DIR       the station data dir (default: as for serve)',
    '  --profiles DIR --files DIR   where the customer logo is looked up (default: as for serve)',
  ].join('\n');
}

/** `prepstation report`: resolves with the exit code (0 written, 1 not found or failed, 2 usage). */
export async function report(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseCommandLine(argv, {
      machine: valueFlag,
      batch: valueFlag,
      format: valueFlag,
      out: valueFlag,
      paper: valueFlag,
      technician: valueFlag,
      ...stationFlags(['dataDir', 'profiles', 'files']),
      help: helpFlag,
    }).values;
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  if (values.help) {
    process.stdout.write(reportHelp() + '\n');
    return 0;
  }
  if (!values.machine === !values.batch) return usage('give exactly one of --machine or --batch');
  const format = values.format ?? 'pdf';
  if (!reportFormats.includes(format as ReportFormat)) {
    return usage(`--format must be one of ${reportFormats.join(', ')}`);
  }
  if (!values.out) return usage('--out FILE is needed (- for stdout)');
  if (values.paper && values.paper !== 'a4' && values.paper !== 'letter') {
    return usage('--paper must be a4 or letter');
  }

  let paths;
  try {
    paths = stationPaths(resolveConfig(stationValues(values)).options);
  } catch (err) {
    if (err instanceof ConfigError) return usage(err.message);
    throw err;
  }
  if (!fs.existsSync(paths.dbFile)) {
    process.stderr.write(
      `prepstation report: no station data in ${paths.dataDir} (no prepstation.db); give --data-dir DIR\n`,
    );
    return 1;
  }

  const db = openDatabase(paths.dbFile);
  try {
    const inputs = {
      db,
      now: new Date(),
      stationVersion: packageVersion(),
      technician: values.technician ?? null,
    };
    const r = values.machine
      ? machineReportFor(inputs, values.machine)
      : batchReportFor(inputs, values.batch!);
    if (!r) {
      process.stderr.write(
        values.machine
          ? `prepstation report: no machine with id or MAC ${values.machine} in ${paths.dataDir}\n`
          : `prepstation report: no batch ${values.batch} in ${paths.dataDir}\n`,
      );
      return 1;
    }
    const out = await renderReport(r, format as ReportFormat, {
      shop: readShop(db),
      ...(values.paper ? { paper: values.paper as 'a4' | 'letter' } : {}),
      profilesDir: paths.profilesDir,
      filesDir: paths.filesDir,
    });
    if (values.out === '-') {
      process.stdout.write(out.body);
    } else {
      // Written whole or not at all: a half-written PDF must never reach a customer.
      const file = path.resolve(values.out);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, out.body);
      fs.renameSync(tmp, file);
      process.stderr.write(
        `prepstation report: wrote ${file} (${r.machines.length} machine${r.machines.length === 1 ? '' : 's'}, ${out.body.length} bytes)\n`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

function usage(message: string): number {
  process.stderr.write(`prepstation report: ${message}\n\n${reportHelp()}\n`);
  return 2;
}
