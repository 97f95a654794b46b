import fs from 'node:fs';
import {
  ConfigError,
  resolveConfig,
  stationFlags,
  stationPaths,
  stationValues,
} from '../config/load.js';
import { EventBus } from '../events/bus.js';
import { MediaImportError } from '../media/errors.js';
import type { ImportProgress } from '../media/importer.js';
import { MediaLibrary } from '../media/library.js';
import type { MediaRecord } from '../media/types.js';
import { wimbootStatus } from '../media/wimboot.js';
import { loadProfileDir } from '../profiles/load-dir.js';
import {
  helpFlag,
  parseCommandLine,
  subcommand,
  switchFlag,
  UsageError,
  valueFlag,
} from '../util/args.js';

export function mediaHelp(): string {
  return [
    'prepstation media import FILE.iso|FOLDER [--id ID] [--data-dir DIR] [--files DIR]',
    '    import a Windows 10/11 ISO (or a folder copied from one) into <files>/media/<ID>;',
    '    profiles name it as target.media: ID (default id: win11-<build>); progress on stderr',
    'prepstation media list [--json] [--data-dir DIR] [--files DIR]',
    'prepstation media delete ID [--data-dir DIR] [--files DIR]',
  ].join('\n');
}

const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);

function progressLine(p: Omit<ImportProgress, 'phase'> & { phase: string }): string {
  const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 0;
  const eta =
    p.etaSeconds === null
      ? ''
      : `, ${Math.floor(p.etaSeconds / 60)}:${String(p.etaSeconds % 60).padStart(2, '0')} left`;
  return `${p.phase}: ${mib(p.bytesDone)} of ${mib(p.bytesTotal)} MiB (${pct}%${eta})`;
}

function describe(m: MediaRecord): string {
  const lines = [
    `${m.id}: ${m.label} (from ${m.source})`,
    `  image:    ${m.image.path} (${m.image.kind}${m.image.parts.length > 1 ? `, ${m.image.parts.length} parts` : ''}), build ${m.build}, installer language ${m.uiLanguage}`,
    ...m.editions.map(
      (e) =>
        `  edition ${String(e.index).padStart(2)}: ${e.name} [${e.editionId}] ${e.version} ${e.architecture} ${e.languages.join(',')}`,
    ),
    `  winpe:    ${m.winpe.curl ?? 'no curl.exe'}${m.winpe.dlls.length ? ` + ${m.winpe.dlls.join(', ')}` : ''}`,
    ...m.warnings.map((w) => `  warning:  ${w}`),
  ];
  return lines.join('\n');
}

function profilesUsing(dir: string, id: string): string[] {
  const { resolved } = loadProfileDir(dir);
  return [...resolved]
    .filter(([, r]) => r.ok && r.profile.target.os === 'windows' && r.profile.target.media === id)
    .map(([pid]) => pid);
}

/** An import killed half-way (power cut, kill -9) left a staging folder: say it is gone. */
function sayRemoved(names: string[]): void {
  for (const n of names) {
    process.stderr.write(
      `Removed the leftovers of an interrupted import (${n}); nothing of it was listed.\n`,
    );
  }
}

/** Works on the data dir directly, beside a running station (which sees the same folder). */
export async function media(argv: string[]): Promise<number> {
  const picked = subcommand(argv, 'media', ['list', 'import', 'delete'], mediaHelp);
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
      const lib = new MediaLibrary(p.filesDir);
      sayRemoved(lib.removeStale());
      const list = lib.list();
      if (json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return 0;
      }
      if (list.length === 0)
        process.stdout.write('No media imported. prepstation media import FILE.iso\n');
      for (const m of list) process.stdout.write(describe(m) + '\n');
      const wb = wimbootStatus(p.filesDir, list);
      if (wb.problem) process.stdout.write(`wimboot: ${wb.problem} ${wb.fix}\n`);
      return 0;
    }
    if (sub === 'import') {
      const { values, positionals } = parseCommandLine(
        args,
        { ...stationFlags(), id: valueFlag, help: helpFlag },
        { positionals: true },
      );
      if (values.help) return printHelp();
      const [file, extra] = positionals;
      if (!file) {
        process.stderr.write(
          `prepstation media import: give the ISO file or folder first\n${mediaHelp()}\n`,
        );
        return 2;
      }
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      const id = values.id;
      if (!fs.existsSync(file)) {
        process.stderr.write(`prepstation media import: no such file or folder: ${file}\n`);
        return 1;
      }
      const { options } = resolveConfig(stationValues(values));
      const p = stationPaths(options);
      // A bus of our own: the library reports progress on it as in the station.
      const bus = new EventBus(50, 0);
      const lib = new MediaLibrary(p.filesDir, bus);
      sayRemoved(lib.removeStale());
      const tty = process.stderr.isTTY;
      let lastLine = '';
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        let lastAt = 0;
        let lastPhase = '';
        bus.on((e) => {
          if (e.type !== 'media-import' || e.import.phase === 'uploading') return;
          const p = e.import;
          const t = Date.now();
          // Every phase change, then at most every 0.2 s on a terminal, 2 s in a log.
          if (p.phase === lastPhase && t - lastAt < (tty ? 200 : 2000)) return;
          lastAt = t;
          lastPhase = p.phase;
          const line = progressLine(p);
          if (line === lastLine) return;
          lastLine = line;
          process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
        });
        const m = await lib.import({ source: file, id }, undefined, controller.signal);
        if (tty) process.stderr.write('\n');
        process.stdout.write(
          `Imported ${describe(m)}\n  in a profile: target: { os: windows, media: ${m.id}, edition: ${m.editions[0]!.editionId || m.editions[0]!.name} }\n`,
        );
        return 0;
      } catch (err) {
        if (tty) process.stderr.write('\n');
        if (err instanceof MediaImportError) {
          process.stderr.write(`prepstation media import: ${err.message}\n`);
          return 1;
        }
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    if (sub === 'delete') {
      const { values, positionals } = parseCommandLine(
        args,
        { ...stationFlags(), help: helpFlag },
        { positionals: true },
      );
      if (values.help) return printHelp();
      const [id, extra] = positionals;
      if (!id) {
        process.stderr.write(`prepstation media delete: give the medium id\n`);
        return 2;
      }
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      const { options } = resolveConfig(stationValues(values));
      const paths = stationPaths(options);
      const lib = new MediaLibrary(paths.filesDir);
      // The same rule as DELETE /api/v1/media/:id: never pull a medium from under a profile.
      const users = fs.existsSync(paths.profilesDir) ? profilesUsing(paths.profilesDir, id) : [];
      if (users.length > 0) {
        process.stderr.write(
          `prepstation media delete: medium "${id}" is used by profile(s) ${users.join(', ')}: change their target.media first.\n`,
        );
        return 1;
      }
      if (!lib.remove(id)) {
        process.stderr.write(`prepstation media delete: no medium "${id}"\n`);
        return 1;
      }
      process.stdout.write(`Deleted medium ${id}\n`);
      return 0;
    }
  } catch (err) {
    if (
      err instanceof ConfigError ||
      err instanceof UsageError ||
      err instanceof MediaImportError
    ) {
      process.stderr.write(`prepstation media: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return 2;
}

function printHelp(): number {
  process.stdout.write(mediaHelp() + '\n');
  return 0;
}
