import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DriverFile, DriverLookup, DriverPack } from './types.js';
import { listFiles, writeFileSynced } from '../util/files.js';

const run = promisify(execFile);

/**
 * The driver library: packs under <files>/drivers/<id>/ (files/ + pack.json + files.json).
 * An import is copied (or a CAB extracted) into a staging folder, every file hashed, the
 * manifests written and fsynced, and only then renamed into place, so WinPE can never
 * download half a pack and a pack a deployment was rendered with does not change under it.
 */

export class DriverImportError extends Error {
  constructor(
    readonly code: 'bad_input' | 'not_found' | 'empty' | 'tool_missing' | 'extract_failed',
    message: string,
  ) {
    super(message);
    this.name = 'DriverImportError';
  }
}

export interface DriverImportInput {
  /** A folder of drivers (.inf, .sys, .cat ...) or a .cab driver pack (Dell, Microsoft). */
  source: string;
  vendor: string;
  model: string;
  winpe: boolean;
  id?: string;
}

/** cmd.exe and curl's config must take every path of a pack as it is. */
const SAFE_REL = /^[A-Za-z0-9 ._()+,#@&'[\]{}~=-]+$/;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SEVEN_ZIP = ['7zz', '7z', '7za'];

export function packId(vendor: string, model: string, winpe: boolean): string {
  const slug = `${vendor} ${model}${winpe ? ' winpe' : ''}`
    .toLowerCase()
    .replace(/\b(inc|corp|corporation|ltd|gmbh|co)\b\.?/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 64).replace(/-+$/, '') || 'drivers';
}

function hashFile(file: string): { sha256: string; size: number } {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { sha256: h.digest('hex'), size };
}

async function extractCab(cab: string, into: string): Promise<void> {
  for (const tool of SEVEN_ZIP) {
    try {
      await run(tool, ['x', '-y', `-o${into}`, cab], { maxBuffer: 16 << 20 });
      return;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') continue;
      throw new DriverImportError(
        'extract_failed',
        `${path.basename(cab)} could not be extracted (${tool}): ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`,
      );
    }
  }
  throw new DriverImportError(
    'tool_missing',
    'extracting a .cab needs 7-Zip (Debian package 7zip); or extract it yourself and import the folder',
  );
}

export class DriverLibrary implements DriverLookup {
  private readonly root: string;

  constructor(
    filesDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.root = path.join(filesDir, 'drivers');
  }

  list(): DriverPack[] {
    if (!fs.existsSync(this.root)) return [];
    return fs
      .readdirSync(this.root)
      .filter((d) => ID.test(d))
      .map((d) => this.get(d))
      .filter((p): p is DriverPack => p !== null)
      .sort((a, b) => `${a.vendor} ${a.model}`.localeCompare(`${b.vendor} ${b.model}`));
  }

  get(id: string): DriverPack | null {
    if (!ID.test(id)) return null;
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.root, id, 'pack.json'), 'utf8'),
      ) as DriverPack;
    } catch {
      return null;
    }
  }

  files(id: string): DriverFile[] {
    if (!ID.test(id)) return [];
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.root, id, 'files.json'), 'utf8'),
      ) as DriverFile[];
    } catch {
      return [];
    }
  }

  /** Packs for a vendor and model, as the bench and the Drivers screen show them. */
  forModel(vendor: string, model: string): DriverPack[] {
    const norm = (s: string) =>
      s
        .toLowerCase()
        .replace(/[\s_-]+/g, ' ')
        .trim();
    return this.list().filter(
      (p) => norm(p.vendor) === norm(vendor) && norm(p.model) === norm(model),
    );
  }

  async import(
    input: DriverImportInput,
  ): Promise<{ pack: DriverPack; replaced: DriverPack | null }> {
    const vendor = input.vendor.trim();
    const model = input.model.trim();
    if (!vendor || !model) {
      throw new DriverImportError(
        'bad_input',
        'a driver pack needs --vendor and --model (as the machines report them, e.g. "Dell Inc." and "Latitude 5440")',
      );
    }
    const id = input.id ?? packId(vendor, model, input.winpe);
    if (!ID.test(id)) {
      throw new DriverImportError(
        'bad_input',
        `"${id}" is not a pack id: lowercase letters, digits and dashes`,
      );
    }
    if (!fs.existsSync(input.source)) {
      throw new DriverImportError('not_found', `${input.source} does not exist`);
    }
    fs.mkdirSync(path.join(this.root, '.incoming'), { recursive: true });
    const stage = path.join(
      this.root,
      '.incoming',
      `${id}-${crypto.randomBytes(6).toString('hex')}`,
    );
    const filesDir = path.join(stage, 'files');
    fs.mkdirSync(filesDir, { recursive: true });
    try {
      if (fs.statSync(input.source).isDirectory()) {
        fs.cpSync(input.source, filesDir, { recursive: true, dereference: true });
      } else if (/\.cab$/i.test(input.source)) {
        await extractCab(input.source, filesDir);
      } else {
        throw new DriverImportError(
          'bad_input',
          `${path.basename(input.source)} is neither a folder nor a .cab; extract vendor .exe packs first (they are self-extracting archives) and import the folder`,
        );
      }
      const rels = listFiles(filesDir);
      const bad = rels.find((r) => !r.split('/').every((part) => SAFE_REL.test(part)));
      if (bad) {
        throw new DriverImportError(
          'bad_input',
          `"${bad}" has characters WinPE's scripts cannot pass (quotes, %, !, control characters); rename it and import again`,
        );
      }
      const infs = rels.filter((r) => r.toLowerCase().endsWith('.inf')).length;
      if (infs === 0) {
        throw new DriverImportError(
          'empty',
          `${path.basename(input.source)} holds no .inf file: nothing DISM or drvload could install`,
        );
      }
      const files: DriverFile[] = rels.map((rel) => ({
        rel,
        ...hashFile(path.join(filesDir, rel)),
      }));
      const manifest = JSON.stringify(files);
      const pack: DriverPack = {
        id,
        vendor,
        model,
        winpe: input.winpe,
        source: path.basename(input.source),
        importedAt: this.now().toISOString(),
        dir: `drivers/${id}`,
        files: files.length,
        infs,
        bytes: files.reduce((n, f) => n + f.size, 0),
        sha256: crypto.createHash('sha256').update(manifest).digest('hex'),
      };
      writeFileSynced(path.join(stage, 'files.json'), manifest);
      writeFileSynced(path.join(stage, 'pack.json'), JSON.stringify(pack, null, 2) + '\n');
      const replaced = this.get(id);
      const target = path.join(this.root, id);
      const old = path.join(
        this.root,
        '.incoming',
        `${id}-old-${crypto.randomBytes(6).toString('hex')}`,
      );
      if (fs.existsSync(target)) fs.renameSync(target, old);
      fs.renameSync(stage, target);
      fs.rmSync(old, { recursive: true, force: true });
      return { pack, replaced };
    } catch (err) {
      fs.rmSync(stage, { recursive: true, force: true });
      throw err;
    }
  }

  remove(id: string): boolean {
    if (!this.get(id)) return false;
    const gone = path.join(
      this.root,
      '.incoming',
      `${id}-gone-${crypto.randomBytes(6).toString('hex')}`,
    );
    fs.renameSync(path.join(this.root, id), gone);
    fs.rmSync(gone, { recursive: true, force: true });
    return true;
  }
}
