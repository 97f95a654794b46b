import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiError, AppPackage } from '../api/contract.js';
import type { LibraryPackage, PackageLookup } from '../agent/plan.js';
import type { Db } from '../db/open.js';
import type { EventBus } from '../events/bus.js';
import { packageMeta, type PackageMetaInput } from './meta.js';
import { AppStore } from './store.js';

export type ImportResult =
  | { ok: true; value: AppPackage; replaced: AppPackage | null }
  | { ok: false; status: number; error: ApiError };

export interface ImportInput extends PackageMetaInput {
  /** When the caller knows them: the import fails if the bytes do not match. */
  expectedSha256?: string | undefined;
  expectedSize?: number | undefined;
}

/**
 * The app library: installers under <files>/apps, described in SQLite. An import is
 * hashed while it is written, lands in a temporary file and is renamed into place only
 * when complete, so a machine can never download half an installer, and a version once
 * imported never changes under a running deployment.
 */
export class AppLibrary {
  private readonly store: AppStore;

  constructor(
    db: Db,
    private readonly filesDir: string,
    private readonly bus: EventBus | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.store = new AppStore(db);
  }

  list(): AppPackage[] {
    return this.store.list();
  }

  get(id: string): AppPackage | null {
    return this.store.get(id);
  }

  /** For the plan builder: a profile's `source: { package }` to a station file. */
  readonly lookup: PackageLookup = (id: string): LibraryPackage | null => {
    const p = this.store.get(id);
    return p ? { path: p.path, size: p.size, sha256: p.sha256 } : null;
  };

  async importStream(body: Readable, input: ImportInput): Promise<ImportResult> {
    const meta = packageMeta(input);
    if (!meta.ok) {
      body.resume();
      return { ok: false, status: 400, error: meta.error };
    }
    const m = meta.value;
    const incoming = path.join(this.filesDir, 'apps', '.incoming');
    fs.mkdirSync(incoming, { recursive: true });
    const tmp = path.join(incoming, `${m.id}-${crypto.randomBytes(6).toString('hex')}.part`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      const out = fs.createWriteStream(tmp, { flags: 'wx' });
      await pipeline(body, tap, out);
      await fsyncFile(tmp);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      return {
        ok: false,
        status: 400,
        error: {
          code: 'upload_failed',
          message: `The upload ended early: ${(err as Error).message}`,
        },
      };
    }
    const sha256 = hash.digest('hex');
    const fail = (status: number, code: string, message: string): ImportResult => {
      fs.rmSync(tmp, { force: true });
      return { ok: false, status, error: { code, message } };
    };
    if (size === 0) return fail(400, 'empty_file', 'The installer is empty (0 bytes).');
    if (input.expectedSize !== undefined && input.expectedSize !== size) {
      return fail(400, 'size_mismatch', `Got ${size} bytes, expected ${input.expectedSize}.`);
    }
    if (input.expectedSha256 && input.expectedSha256.toLowerCase() !== sha256) {
      return fail(400, 'sha256_mismatch', `The file's SHA-256 is ${sha256}, not the one given.`);
    }
    const target = path.join(this.filesDir, ...m.path.split('/'));
    const existing = fileSha256IfExists(target);
    if (existing !== null && existing !== sha256) {
      return fail(
        409,
        'version_exists',
        `${m.name} ${m.version} is already in the library with other content; import it under a new version.`,
      );
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (existing === null) {
      fs.renameSync(tmp, target);
      fsyncDir(path.dirname(target));
    } else {
      fs.rmSync(tmp, { force: true });
    }
    const replaced = this.store.get(m.id);
    const pkg: AppPackage = {
      id: m.id,
      name: m.name,
      version: m.version,
      fileName: m.fileName,
      path: m.path,
      size,
      sha256,
      importedAt: this.now().toISOString(),
    };
    this.store.save(pkg);
    this.bus?.publish({ type: 'app-package', app: pkg });
    return { ok: true, value: pkg, replaced };
  }

  async importFile(file: string, input: Omit<ImportInput, 'fileName'> & { fileName?: string }) {
    return this.importStream(fs.createReadStream(file), {
      ...input,
      fileName: input.fileName ?? path.basename(file),
    });
  }
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await fs.promises.open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}

/** Only for the rare re-import of an existing version: reads the old file once. */
function fileSha256IfExists(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) hash.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
