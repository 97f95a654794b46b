import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MediaImportError } from './errors.js';

/**
 * wimlib (Debian `wimtools`; wimlib.net on Windows) for what our own header/XML codec does
 * not do: list a directory of an image and extract single files, from .wim, solid .esd
 * and split .swm alike. Metadata resources are compressed with LZX/LZMS, which is not
 * worth a codec of our own for two small reads.
 */

const exec = promisify(execFile);

export interface WimRef {
  /** The first (or only) part. */
  file: string;
  /** Every part of a split image, the first included; else [file]. */
  parts: string[];
}

function refArgs(w: WimRef): string[] {
  return w.parts.length > 1 ? w.parts.slice(1).map((p) => `--ref=${p}`) : [];
}

/**
 * `wimlib-imagex <command>`, not the `wimdir`/`wimextract` shortcuts: Debian installs both,
 * wimlib's Windows build ships only wimlib-imagex.exe.
 */
async function wimlib(sub: 'dir' | 'extract', args: string[]): Promise<string> {
  const cmd = 'wimlib-imagex';
  try {
    const r = await exec(cmd, [sub, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return r.stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new MediaImportError(
        'tool_missing',
        `${cmd} is not installed. Install wimlib (Debian/Ubuntu: apt install wimtools; Windows: wimlib.net) and import again.`,
      );
    }
    const why = (e.stderr ?? e.message).trim().split('\n').filter(Boolean).slice(-2).join(' ');
    throw new MediaImportError('bad_image', `${cmd} ${sub} failed: ${why}`);
  }
}

/** Names (as stored) of the files directly in `dir` of one image, e.g. /Windows/System32. */
export async function listWimDir(w: WimRef, index: number, dir: string): Promise<string[]> {
  const out = await wimlib('dir', [w.file, String(index), `--path=${dir}`, ...refArgs(w)]);
  const prefix = dir.replace(/\/+$/, '').toLowerCase() + '/';
  const names: string[] = [];
  for (const line of out.split('\n')) {
    if (!line.toLowerCase().startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    if (rest && !rest.includes('/')) names.push(rest);
  }
  return names;
}

/** Extracts files of one image (full paths inside it) flat into `destDir`. */
export async function extractWimFiles(
  w: WimRef,
  index: number,
  paths: string[],
  destDir: string,
): Promise<void> {
  if (paths.length === 0) return;
  await wimlib('extract', [
    w.file,
    String(index),
    ...paths,
    `--dest-dir=${destDir}`,
    '--no-acls',
    '--no-attributes',
    '--no-globs',
    ...refArgs(w),
  ]);
}
