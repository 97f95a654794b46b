import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  resolveConfig,
  stationFlags,
  stationPaths,
  stationValues,
} from '../config/load.js';
import { DriverLibrary } from '../drivers/library.js';
import { driverIssues } from '../drivers/profile-check.js';
import { MediaLibrary } from '../media/library.js';
import { mediaIssues } from '../media/profile-check.js';
import { BUILD_24H2 } from '../media/types.js';
import { wimbootStatus } from '../media/wimboot.js';
import { loadProfileDir } from '../profiles/load-dir.js';
import {
  formatIssue,
  positionOf,
  profileIdFromFile,
  type ProfileIssue,
} from '../profiles/parse.js';
import { helpFlag, parseCommandLine, UsageError } from '../util/args.js';

export const checkHelp = `prepstation check [FILE|DIR] [--data-dir DIR] [--files DIR]
    validate profiles (default: ./profiles)

Prints file:line:col: message for every problem and exits 1 if there is any. A FILE is
checked together with the other profiles in its folder (its bases). Windows profiles are
also checked against the station's media library (<files>/media of the data dir): the
medium is imported, has the edition, and wimboot can boot it. Without a media library
there (a repository checkout), that part is skipped and said so.`;

/** `prepstation check`: exit 0 when every profile is valid, 1 with file:line:col lines. */
export async function check(argv: string[]): Promise<number> {
  let positional: string[];
  let filesDir: string;
  try {
    const parsed = parseCommandLine(
      argv,
      { ...stationFlags(['dataDir', 'files']), help: helpFlag },
      { positionals: true },
    );
    if (parsed.values.help) {
      process.stdout.write(checkHelp + '\n');
      return 0;
    }
    positional = parsed.positionals;
    if (positional.length > 1) {
      process.stderr.write(`prepstation check: one FILE or DIR, not ${positional.length}\n`);
      return 2;
    }
    filesDir = stationPaths(resolveConfig(stationValues(parsed.values)).options).filesDir;
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof UsageError)) throw err;
    process.stderr.write(`prepstation check: ${err.message}\n`);
    return 2;
  }
  const target = positional[0] ?? 'profiles';
  if (!fs.existsSync(target)) {
    process.stderr.write(`prepstation check: ${target}: no such file or folder\n`);
    return 2;
  }
  const isDir = fs.statSync(target).isDirectory();
  const dir = isDir ? target : path.dirname(target);
  const { sources, resolved } = loadProfileDir(dir);
  const ids = isDir ? [...sources.keys()] : [profileIdFromFile(target)];
  if (ids.length === 0) {
    process.stderr.write(`prepstation check: no .yaml profiles in ${dir}\n`);
    return 1;
  }
  const media = fs.existsSync(path.join(filesDir, 'media')) ? new MediaLibrary(filesDir) : null;
  const wimboot = media ? wimbootStatus(filesDir, media.list()) : null;
  // A broken base is reported once, not once more for every profile that extends it.
  const seen = new Set<string>();
  const issues: ProfileIssue[] = [];
  let ok = 0;
  let windows = 0;
  for (const id of ids) {
    const r = resolved.get(id);
    if (!r) continue;
    const found = r.ok ? [] : [...r.issues];
    if (r.ok && r.profile.target.os === 'windows') windows++;
    if (r.ok && media) {
      found.push(...mediaIssues(r, sources, media));
      const t = r.profile.target;
      const m = t.os === 'windows' ? media.get(t.media) : null;
      if (m && wimboot?.problem && (!wimboot.present || m.build >= BUILD_24H2)) {
        const src = sources.get(r.chain.find((c) => sources.get(c)?.data?.target) ?? id)!;
        found.push({
          file: src.file,
          ...positionOf(src, ['target', 'media']),
          path: 'target.media',
          message: `${wimboot.problem} ${wimboot.fix}`,
        });
      }
    }
    if (r.ok && (r.profile.drivers.pin?.length || r.profile.drivers.add.length)) {
      found.push(...driverIssues(r, sources, new DriverLibrary(filesDir)));
    }
    if (found.length === 0) {
      ok++;
      continue;
    }
    for (const i of found) {
      const key = formatIssue(i);
      if (!seen.has(key)) issues.push(i);
      seen.add(key);
    }
  }
  issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  for (const i of issues) process.stdout.write(formatIssue(i) + '\n');
  if (!media && windows > 0) {
    process.stdout.write(
      `note: media not checked: no media library in ${filesDir} (give the station's --data-dir or --files)\n`,
    );
  }
  const failed = ids.length - ok;
  process.stdout.write(
    failed === 0
      ? `${ok} profile(s) OK\n`
      : `${failed} of ${ids.length} profile(s) have problems (${issues.length} in all)\n`,
  );
  return failed === 0 ? 0 : 1;
}
