import fs from 'node:fs';
import path from 'node:path';
import { loadProfileDir } from '../profiles/load-dir.js';
import { formatIssue, profileIdFromFile, type ProfileIssue } from '../profiles/parse.js';

export const checkHelp = `prepstation check [FILE|DIR]   validate profiles (default: ./profiles)

Prints file:line:col: message for every problem and exits 1 if there is any. A FILE is
checked together with the other profiles in its folder (its bases).`;

/** `prepstation check`: exit 0 when every profile is valid, 1 with file:line:col lines. */
export async function check(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(checkHelp + '\n');
    return 0;
  }
  if (argv.length > 1) {
    process.stderr.write(`prepstation check: one FILE or DIR, not ${argv.length}\n`);
    return 2;
  }
  const target = argv[0] ?? 'profiles';
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
  // A broken base is reported once, not once more for every profile that extends it.
  const seen = new Set<string>();
  const issues: ProfileIssue[] = [];
  let ok = 0;
  for (const id of ids) {
    const r = resolved.get(id);
    if (!r) continue;
    if (r.ok) {
      ok++;
      continue;
    }
    for (const i of r.issues) {
      const key = formatIssue(i);
      if (!seen.has(key)) issues.push(i);
      seen.add(key);
    }
  }
  issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  for (const i of issues) process.stdout.write(formatIssue(i) + '\n');
  const failed = ids.length - ok;
  process.stdout.write(
    failed === 0
      ? `${ok} profile(s) OK\n`
      : `${failed} of ${ids.length} profile(s) have problems (${issues.length} in all)\n`,
  );
  return failed === 0 ? 0 : 1;
}
