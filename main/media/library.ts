import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EventBus } from '../events/bus.js';
import { MediaImportError } from './errors.js';
import {
  MANIFEST,
  OWNER,
  checkMediaId,
  fsyncDir,
  importMedium,
  type ImportRequest,
} from './importer.js';
import type { MediaImportStatus, MediaLookup, MediaRecord } from './types.js';

/**
 * The media library: imported Windows media under `<files>/media/<id>/`, each described
 * by its `media.json`, written last inside the staging folder before the one rename that
 * makes the medium appear. The record lives beside the files it describes, so the CLI
 * (on the data dir) and a running station see the same library without a database row
 * that could point at half a medium; a folder without `media.json` is never listed.
 */
export class MediaLibrary implements MediaLookup {
  private cache = new Map<string, { mtimeMs: number; record: MediaRecord | null }>();
  private readonly inFlight = new Set<string>();
  private readonly imports = new Map<string, MediaImportStatus>();

  constructor(
    readonly filesDir: string,
    private readonly bus: EventBus | null = null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get mediaDir(): string {
    return path.join(this.filesDir, 'media');
  }

  list(): MediaRecord[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.mediaDir);
    } catch {
      return [];
    }
    const out: MediaRecord[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const r = this.get(name);
      if (r) out.push(r);
    }
    return out;
  }

  get(id: string): MediaRecord | null {
    if (!/^[a-z0-9-]+$/.test(id)) return null;
    const file = path.join(this.mediaDir, id, MANIFEST);
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      this.cache.delete(id);
      return null;
    }
    const hit = this.cache.get(id);
    if (hit && hit.mtimeMs === mtimeMs) return hit.record;
    let record: MediaRecord | null;
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8')) as MediaRecord;
      if (record.id !== id) record = null;
    } catch {
      record = null;
    }
    this.cache.set(id, { mtimeMs, record });
    return record;
  }

  /** Imports in flight and the last ones that ended (for a Media screen opened later). */
  importStatuses(): MediaImportStatus[] {
    return [...this.imports.values()];
  }

  /** Starts tracking an upload before the import proper (the bytes arrive first). */
  beginUpload(source: string, id: string | null, bytesTotal: number): MediaImportStatus {
    const s: MediaImportStatus = {
      importId: crypto.randomUUID(),
      id,
      source,
      state: 'uploading',
      phase: 'uploading',
      bytesDone: 0,
      bytesTotal,
      etaSeconds: null,
      error: null,
      startedAt: this.now().toISOString(),
    };
    this.track(s);
    return s;
  }

  update(s: MediaImportStatus, patch: Partial<MediaImportStatus>): void {
    Object.assign(s, patch);
    this.track(s);
  }

  /**
   * Imports a medium and says so on the event bus (progress, then `media`). Two imports
   * under one id at a time are refused here; the rename refuses the rest.
   */
  async import(
    req: ImportRequest,
    status?: MediaImportStatus,
    signal?: AbortSignal,
  ): Promise<MediaRecord> {
    const s =
      status ?? this.beginUpload(req.sourceName ?? path.basename(req.source), req.id ?? null, 0);
    this.update(s, { state: 'running', phase: 'checking', bytesDone: 0, etaSeconds: null });
    let claimed: string | null = null;
    try {
      this.removeStale();
      const record = await importMedium(this.filesDir, req, {
        now: this.now,
        signal,
        claim: (id) => {
          if (claimed === id) return;
          if (this.inFlight.has(id)) {
            throw new MediaImportError(
              'media_exists',
              `A medium "${id}" is being imported right now; wait for it to finish or use another id.`,
            );
          }
          this.inFlight.add(id);
          claimed = id;
          this.update(s, { id });
        },
        onProgress: (p) =>
          this.update(s, {
            phase: p.phase,
            bytesDone: p.bytesDone,
            bytesTotal: p.bytesTotal,
            etaSeconds: p.etaSeconds,
          }),
      });
      this.update(s, { state: 'done', id: record.id, etaSeconds: 0 });
      this.bus?.publish({ type: 'media', id: record.id, state: 'imported', media: record });
      return record;
    } catch (err) {
      const e =
        err instanceof MediaImportError
          ? err
          : new MediaImportError(
              'import_failed',
              `The import failed: ${(err as Error).message}`,
              500,
            );
      this.update(s, { state: 'failed', error: { code: e.code, message: e.message } });
      throw e;
    } finally {
      if (claimed) this.inFlight.delete(claimed);
    }
  }

  /** Removes a medium: renamed aside first (it vanishes from the list at once), then deleted. */
  remove(id: string): boolean {
    checkMediaId(id);
    const dir = path.join(this.mediaDir, id);
    if (!fs.existsSync(path.join(dir, MANIFEST))) return false;
    const aside = path.join(
      this.mediaDir,
      `.delete-${id}-${crypto.randomBytes(4).toString('hex')}`,
    );
    fs.renameSync(dir, aside);
    fsyncDir(this.mediaDir);
    this.cache.delete(id);
    fs.rmSync(aside, { recursive: true, force: true });
    this.bus?.publish({ type: 'media', id, state: 'deleted', media: null });
    return true;
  }

  /** A place for an upload's bytes, owned by this process (removed if it dies). */
  uploadPath(): string {
    fs.mkdirSync(this.mediaDir, { recursive: true });
    return path.join(
      this.mediaDir,
      `.upload-${process.pid}-${crypto.randomBytes(6).toString('hex')}.iso`,
    );
  }

  /**
   * Leftovers of a crash: staging folders whose importing process is gone, uploads of a
   * dead process, deletions that did not finish. Never touches a live import.
   */
  removeStale(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.mediaDir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const p = path.join(this.mediaDir, name);
      let owner: number | null = null;
      if (name.startsWith('.import-')) {
        owner = Number(readOr(path.join(p, OWNER), '0'));
      } else if (name.startsWith('.upload-')) {
        owner = Number(name.split('-')[1]);
      } else if (!name.startsWith('.delete-')) {
        continue;
      }
      if (owner && alive(owner)) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  private track(s: MediaImportStatus): void {
    this.imports.set(s.importId, s);
    // Keep the last few ended imports only.
    const ended = [...this.imports.values()].filter(
      (x) => x.state === 'done' || x.state === 'failed',
    );
    for (const x of ended.slice(0, Math.max(0, ended.length - 10))) this.imports.delete(x.importId);
    this.bus?.publish({ type: 'media-import', import: { ...s } });
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
