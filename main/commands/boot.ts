import {
  ConfigError,
  resolveConfig,
  stationFlags,
  stationPaths,
  stationValues,
} from '../config/load.js';
import { FetchError, WIMBOOT_RELEASE, fetchWimboot } from '../media/wimboot.js';
import { helpFlag, parseCommandLine, UsageError, valueFlag } from '../util/args.js';

export function bootHelp(): string {
  return [
    'prepstation boot fetch-wimboot [--url URL] [--sha256 HEX] [--data-dir DIR] [--files DIR]',
    `    download wimboot ${WIMBOOT_RELEASE.version} (the official release, sha256 pinned) to <files>/boot/wimboot;`,
    '    a download whose sha256 differs is refused and nothing is kept',
  ].join('\n');
}

export async function boot(argv: string[]): Promise<number> {
  const [sub, ...args] = argv;
  if (sub !== 'fetch-wimboot') {
    process.stdout.write(bootHelp() + '\n');
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  try {
    const { values } = parseCommandLine(args, {
      ...stationFlags(),
      url: valueFlag,
      sha256: valueFlag,
      help: helpFlag,
    });
    if (values.help) {
      process.stdout.write(bootHelp() + '\n');
      return 0;
    }
    const { options } = resolveConfig(stationValues(values));
    const r = await fetchWimboot(stationPaths(options).filesDir, {
      url: values.url,
      sha256: values.sha256,
    });
    process.stdout.write(
      `wimboot ${r.version ?? '(version not found in the binary)'} saved to ${r.path} (${r.bytes} bytes, sha256 ${r.sha256})\n`,
    );
    return 0;
  } catch (err) {
    // A wrong command line is a usage error (2) here as in every other command.
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`prepstation boot fetch-wimboot: ${err.message}\n`);
      return 2;
    }
    if (err instanceof FetchError) {
      process.stderr.write(`prepstation boot fetch-wimboot: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
