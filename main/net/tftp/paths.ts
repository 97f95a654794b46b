import fs from 'node:fs';
import path from 'node:path';

/** Longest file name we accept in a request; PXE ROMs send short names, attackers long ones. */
export const maxNameLength = 255;

export type NameCheck = { ok: true; relative: string } | { ok: false; reason: string };

/**
 * Checks a requested name before touching the disk. Pure. Refuses anything that could
 * leave the root: absolute paths, `..` segments, backslashes (Windows separators, which
 * path.posix does not treat as separators), NUL and control characters, and overlong names.
 */
export function checkName(name: string, maxLength = maxNameLength): NameCheck {
  if (name.length === 0) return { ok: false, reason: 'empty file name' };
  if (name.length > maxLength) {
    return { ok: false, reason: `file name longer than ${maxLength} characters` };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return { ok: false, reason: 'control character in name' };
  if (name.includes('\\')) return { ok: false, reason: 'backslash in name' };
  if (name.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(name)) return { ok: false, reason: 'drive letter in name' };
  const segments = name.split('/');
  if (segments.some((s) => s === '..')) return { ok: false, reason: '".." in path' };
  const relative = segments.filter((s) => s !== '' && s !== '.').join('/');
  if (relative === '') return { ok: false, reason: 'no file named' };
  return { ok: true, relative };
}

export type Resolved =
  | { ok: true; file: string; size: number; mtimeMs: number }
  | { ok: false; reason: string; notFound?: boolean };

/**
 * Resolves a checked name under root, following symlinks, and refuses a result outside
 * the root (a symlink that points out) or anything that is not a regular file.
 */
export async function resolveUnder(
  root: string,
  name: string,
  maxLength = maxNameLength,
): Promise<Resolved> {
  const check = checkName(name, maxLength);
  if (!check.ok) return check;
  let realRoot: string;
  let real: string;
  try {
    realRoot = await fs.promises.realpath(root);
  } catch {
    return { ok: false, reason: `root folder ${root} does not exist`, notFound: true };
  }
  try {
    real = await fs.promises.realpath(path.join(realRoot, check.relative));
  } catch {
    return { ok: false, reason: 'no such file', notFound: true };
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    return { ok: false, reason: 'resolves outside the root (symlink)' };
  }
  try {
    const st = await fs.promises.stat(real);
    if (!st.isFile()) return { ok: false, reason: 'not a regular file', notFound: true };
    return { ok: true, file: real, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return { ok: false, reason: 'no such file', notFound: true };
  }
}
