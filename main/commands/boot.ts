import { ConfigError, loadConfig, stationPaths } from '../config/load.js';
import { FetchError, WIMBOOT_RELEASE, fetchWimboot } from '../media/wimboot.js';

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
  const ours: Record<string, string> = {};
  const rest: string[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const m = /^--(url|sha256)(?:=(.*))?$/.exec(a);
      if (m) {
        const v = m[2] ?? args[++i];
        if (v === undefined) throw new ConfigError(`--${m[1]} needs a value`);
        ours[m[1]!] = v;
      } else rest.push(a);
    }
    const { options } = loadConfig(rest);
    const r = await fetchWimboot(stationPaths(options).filesDir, {
      url: ours.url,
      sha256: ours.sha256,
    });
    process.stdout.write(
      `wimboot ${r.version ?? '(version not found in the binary)'} saved to ${r.path} (${r.bytes} bytes, sha256 ${r.sha256})\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof FetchError || err instanceof ConfigError) {
      process.stderr.write(`prepstation boot fetch-wimboot: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
