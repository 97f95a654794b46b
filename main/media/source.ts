import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MediaImportError } from './errors.js';

/**
 * Reading an import source: a Windows ISO or a folder copied from one.
 *
 * ISOs are read with 7-Zip (Debian's `7zip` gives `7zz`; p7zip's `7z` works too): it
 * reads UDF, which every Windows 10/11 ISO uses because install.wim passes the 4 GiB
 * limit of ISO 9660, it streams files out without mounting (no root, no loop device, the
 * same on a Windows station), and it is maintained and packaged everywhere. Mounting
 * would need root on Linux; libarchive's bsdtar reads UDF only partly.
 */

export interface SourceEntry {
  /** Relative path with forward slashes, as on the medium. */
  path: string;
  size: number;
}

export interface SourceListing {
  kind: 'iso' | 'folder';
  /** The volume label of an ISO, e.g. CCCOMA_X64FRE_EN-US_DV9. */
  label: string | null;
  files: SourceEntry[];
  bytes: number;
}

const SEVEN_ZIP = ['7zz', '7z', '7za'];

/** The 7-Zip command on PATH, or null. */
export function sevenZipCommand(): string | null {
  // 7-Zip for Windows installs 7z.exe in its own folder, often not on PATH.
  const extra =
    process.platform === 'win32'
      ? [path.join(process.env.ProgramFiles ?? 'C:\\Program Files', '7-Zip')]
      : [];
  const exe = process.platform === 'win32' ? '.exe' : '';
  for (const cmd of SEVEN_ZIP) {
    for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), ...extra]) {
      if (dir && fs.existsSync(path.join(dir, cmd + exe))) return path.join(dir, cmd + exe);
    }
  }
  return null;
}

function need7z(): string {
  const cmd = sevenZipCommand();
  if (!cmd) {
    throw new MediaImportError(
      'tool_missing',
      'Reading an ISO needs 7-Zip, which is not installed. Install it (Debian/Ubuntu: apt install 7zip; Windows: 7-zip.org), or import a folder copied from the ISO instead.',
    );
  }
  return cmd;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], signal?: AbortSignal): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 65536)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** 7-Zip's error lines without its banner, for a message. */
function sevenZipWhy(r: RunResult): string {
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error|cannot|unexpected|data|warning|space/i.test(l) && !/^7-Zip/.test(l));
  return [...new Set(lines)].slice(0, 4).join('; ') || `7-Zip exit code ${r.code}`;
}

export async function listIso(file: string, signal?: AbortSignal): Promise<SourceListing> {
  const r = await run(need7z(), ['l', '-slt', '-sccUTF-8', file], signal);
  if (r.code !== 0) {
    throw new MediaImportError(
      'unreadable_iso',
      `${path.basename(file)} cannot be read as a disc image (${sevenZipWhy(r)}). Check that it is a complete ISO file (compare its size or checksum with the download).`,
    );
  }
  const label = /^\s*VolumeId:\s*(.+?)\s*$/m.exec(r.stdout)?.[1] ?? null;
  const body = r.stdout.split(/^-{10}$/m)[1] ?? '';
  const files: SourceEntry[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    const field = (k: string): string | undefined =>
      new RegExp(`^${k} = (.*)$`, 'm').exec(block)?.[1];
    const p = field('Path');
    if (!p || field('Folder') === '+') continue;
    files.push({ path: p.replace(/\\/g, '/'), size: Number(field('Size') ?? 0) });
  }
  return { kind: 'iso', label, files, bytes: files.reduce((s, f) => s + f.size, 0) };
}

export function listFolder(dir: string): SourceListing {
  const files: SourceEntry[] = [];
  const walk = (rel: string): void => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else if (d.isFile()) files.push({ path: r, size: fs.statSync(path.join(dir, r)).size });
    }
  };
  walk('');
  return { kind: 'folder', label: null, files, bytes: files.reduce((s, f) => s + f.size, 0) };
}

/** Bytes written under a folder so far (progress of a copy we do not drive byte by byte). */
export function bytesUnder(dir: string): number {
  let total = 0;
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        try {
          total += fs.statSync(p).size;
        } catch {
          // Renamed or removed while we looked: counted next time.
        }
      }
    }
  };
  walk(dir);
  return total;
}

export async function extractIso(file: string, dest: string, signal?: AbortSignal): Promise<void> {
  // -bso0/-bsp0: no listing or progress on stdout (we measure the bytes on disk instead);
  // errors still go to stderr.
  const r = await run(
    need7z(),
    ['x', '-y', '-snl-', `-o${dest}`, '-bso0', '-bsp0', '-bse2', file],
    signal,
  );
  if (r.code !== 0) {
    const why = sevenZipWhy(r);
    if (/no space|ENOSPC|disk full/i.test(why)) {
      throw new MediaImportError(
        'no_space',
        `The disk ran full while copying the medium (${why}). Free space on the station's files disk and import again.`,
      );
    }
    throw new MediaImportError(
      'unreadable_iso',
      `${path.basename(file)} could not be read to the end (${why}). The file is probably incomplete or damaged: download it again.`,
    );
  }
}

export async function copyFolder(src: string, dest: string, listing: SourceListing): Promise<void> {
  for (const f of listing.files) {
    const to = path.join(dest, ...f.path.split('/'));
    await fs.promises.mkdir(path.dirname(to), { recursive: true });
    // copyFile uses copy_file_range/reflinks where the filesystem can.
    await fs.promises.copyFile(path.join(src, ...f.path.split('/')), to);
  }
}
