import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaImportError } from '../../main/media/errors.js';
import { importMedium } from '../../main/media/importer.js';
import { requireOrSkip } from '../helpers/env.js';
import {
  buildWindowsMedium,
  windowsMediaToolsMissing,
  type BuiltMedium,
} from '../helpers/windows-media.js';

/**
 * A files disk that fills up, on a small tmpfs (mounting needs root, hence the root
 * project). Two ways it happens: the disk is too small from the start (refused before a
 * byte is copied), and it fills while the ISO is being copied (something else wrote to
 * the disk meanwhile). Either way: a clear error, nothing half-listed, the disk given back.
 */
const skip = requireOrSkip(
  process.getuid?.() === 0 ? null : 'mounting a tmpfs needs root',
  ...windowsMediaToolsMissing(),
);

let medium: BuiltMedium;
let mnt: string;
const mb = 1024 * 1024;

beforeAll(() => {
  if (skip) return;
  // 24 MiB of incompressible data in the images: the ISO is about 50 MiB.
  medium = buildWindowsMedium({ padding: 24 * mb });
  mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-tmpfs-'));
});
afterAll(() => {
  if (skip) return;
  try {
    execFileSync('umount', [mnt]);
  } catch {
    // not mounted
  }
  fs.rmSync(mnt, { recursive: true, force: true });
  fs.rmSync(medium.work, { recursive: true, force: true });
});

function mountTmpfs(sizeMb: number): string {
  try {
    execFileSync('umount', [mnt], { stdio: 'ignore' });
  } catch {
    // first mount
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', mnt]);
  return path.join(mnt, 'files');
}

describe.skipIf(skip)('media import on a disk that fills up (tmpfs)', () => {
  it('refuses before copying when the disk is too small, saying how much is needed', async () => {
    const files = mountTmpfs(40);
    const err = await importMedium(files, { source: medium.iso, id: 'win11' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MediaImportError);
    expect((err as MediaImportError).code).toBe('no_space');
    expect((err as MediaImportError).message).toMatch(/Not enough free space .* needs 0\.\d GiB/);
    expect(fs.readdirSync(path.join(files, 'media'))).toEqual([]);
  });

  it('fails cleanly when the disk runs full during the copy: no staging left, space given back', async () => {
    const files = mountTmpfs(130);
    const filler = path.join(mnt, 'filler');
    let filled = false;
    const err2 = await importMedium(
      files,
      { source: medium.iso, id: 'win11-b' },
      {
        onProgress: (p) => {
          if (p.phase !== 'copying' || filled) return;
          filled = true;
          // Another program takes all but 8 MiB of the disk right after the space check.
          const free = fs.statfsSync(mnt).bavail * fs.statfsSync(mnt).bsize;
          fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - 8 * mb)));
        },
      },
    ).catch((e: unknown) => e);
    expect(filled).toBe(true);
    expect(err2).toBeInstanceOf(MediaImportError);
    expect((err2 as MediaImportError).code).toBe('no_space');
    expect((err2 as MediaImportError).message).toMatch(/disk ran full/);
    // No .import-* staging folder, no half medium; with the filler gone the disk is empty.
    expect(fs.readdirSync(path.join(files, 'media'))).toEqual([]);
    fs.rmSync(filler);
    const s = fs.statfsSync(mnt);
    expect(s.bfree * s.bsize).toBeGreaterThan(120 * mb);
  });
});
