import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'chokidar';
import type { ProfileSummary } from '../api/contract.js';
import type { Db } from '../db/open.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { ProfileHistory, textHash, type ProfileVersion } from './history.js';
import { formatIssue, parseProfileSource, type ProfileIssue, type ProfileSource } from './parse.js';
import { resolveAll, type Resolved } from './resolve.js';
import { idSchema, type Profile } from './schema.js';

/** A profile ready to deploy or render: resolved, validated, with its version hash. */
export interface ResolvedProfile {
  profile: Profile;
  /** sha256 of the resolved profile (changes when the file or a base changes). */
  hash: string;
  /** This id, then its bases. */
  chain: string[];
}

export type { ProfileSummary };

export type SaveResult =
  | { ok: true; version: ProfileVersion; hash: string }
  | { ok: false; code: 'invalid' | 'bad_id'; issues: ProfileIssue[] };

export interface ProfileStoreOptions {
  dir: string;
  db: Db;
  logger: Logger;
  bus?: EventBus;
  now?: () => Date;
  /** Sample profiles copied into an empty dir at first start (the repo's profiles/). */
  seedDir?: string;
}

const isProfileFile = (f: string): boolean => /^[a-z0-9][a-z0-9-]*\.ya?ml$/.test(f);

/**
 * The profiles directory as the station sees it: every file parsed and resolved, a
 * broken file reported with file:line:col without stopping the others, edits made
 * outside picked up live (chokidar), saves atomic, every version kept in SQLite.
 */
export class ProfileStore {
  readonly dir: string;
  private readonly versions: ProfileHistory;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private sources = new Map<string, ProfileSource>();
  private resolved = new Map<string, Resolved>();
  private watcher: FSWatcher | null = null;
  private readonly listeners = new Set<(ids: string[]) => void>();

  constructor(private readonly opts: ProfileStoreOptions) {
    this.dir = opts.dir;
    this.versions = new ProfileHistory(opts.db);
    this.logger = opts.logger.child({ svc: 'profiles' });
    this.now = opts.now ?? (() => new Date());
  }

  /** Seeds an empty dir, then reads every file (synchronous: cheap, and ready at once). */
  load(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    this.seed();
    this.sources.clear();
    for (const f of fs.readdirSync(this.dir).sort()) {
      if (isProfileFile(f)) this.readFile(f, 'loaded from disk');
    }
    this.reresolve([...this.sources.keys()]);
  }

  /** Watches the dir for edits made in another editor. */
  async start(): Promise<void> {
    if (this.watcher) return;
    this.watcher = watch(this.dir, {
      ignoreInitial: true,
      depth: 0,
      // Our own saves go through a dot-named temp file; editors' swap files are dotted too.
      ignored: (p: string) => path.basename(p).startsWith('.'),
      awaitWriteFinish: { stabilityThreshold: 80, pollInterval: 20 },
    });
    const onFile = (p: string): void => {
      const f = path.basename(p);
      if (!isProfileFile(f)) return;
      try {
        const id = this.readFile(f, 'edited outside the station');
        this.reresolve([id ?? f.replace(/\.ya?ml$/, '')]);
      } catch (err) {
        this.logger.error({ err, file: f }, 'reading a changed profile failed');
      }
    };
    this.watcher.on('add', onFile).on('change', onFile);
    this.watcher.on('unlink', (p) => {
      const f = path.basename(p);
      if (!isProfileFile(f)) return;
      const id = f.replace(/\.ya?ml$/, '');
      this.sources.delete(id);
      this.reresolve([id]);
    });
    this.watcher.on('error', (err) => this.logger.error({ err }, 'profile watcher error'));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
  }

  /** A resolved, valid profile, or undefined when it does not exist or has errors. */
  get(id: string): ResolvedProfile | undefined {
    const r = this.resolved.get(id);
    return r?.ok ? { profile: r.profile, hash: r.hash, chain: r.chain } : undefined;
  }

  /** The resolution result, valid or not (for error reporting). */
  result(id: string): Resolved | undefined {
    return this.resolved.get(id);
  }

  list(): ProfileSummary[] {
    return [...this.sources.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((src) => {
        const r = this.resolved.get(src.id);
        const d = src.data ?? {};
        const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
        const target = d.target as { os?: unknown } | undefined;
        const customer = d.customer as { name?: unknown } | undefined;
        return {
          id: src.id,
          file: path.basename(src.file),
          name: r?.ok ? r.profile.name : str(d.name),
          extends: str(d.extends),
          abstract: d.abstract === true,
          customer: r?.ok ? (r.profile.customer?.name ?? null) : str(customer?.name),
          os: r?.ok ? r.profile.target.os : str(target?.os),
          ok: r?.ok ?? false,
          hash: r?.ok ? r.hash : null,
          issues: r && !r.ok ? r.issues : [],
        };
      });
  }

  /** Every file's problems, keyed by file name (a file with none is absent). */
  errors(): Map<string, ProfileIssue[]> {
    const out = new Map<string, ProfileIssue[]>();
    for (const [, r] of this.resolved) {
      if (r.ok) continue;
      for (const i of r.issues) {
        const list = out.get(i.file) ?? [];
        if (!list.some((x) => x.line === i.line && x.col === i.col && x.message === i.message)) {
          list.push(i);
        }
        out.set(i.file, list);
      }
    }
    return out;
  }

  /** The file text as on disk. */
  text(id: string): string | undefined {
    return this.sources.get(id)?.text;
  }

  /**
   * Validates `text` as profile `id` against the other profiles and writes it atomically.
   * An invalid profile is refused with its issues and the file on disk is left untouched.
   */
  save(id: string, text: string, author: string): SaveResult {
    const idOk = idSchema.safeParse(id);
    if (!idOk.success) {
      return {
        ok: false,
        code: 'bad_id',
        issues: [
          {
            file: `${id}.yaml`,
            line: 1,
            col: 1,
            path: '',
            message: 'a profile id uses lowercase letters, digits and dashes',
          },
        ],
      };
    }
    const fileName = this.fileNameOf(id);
    const src = parseProfileSource(text, fileName);
    const trial = new Map(this.sources);
    trial.set(id, src);
    const r = resolveAll(trial).get(id)!;
    if (!r.ok) return { ok: false, code: 'invalid', issues: r.issues };
    writeFileAtomic(path.join(this.dir, fileName), text);
    const version = this.versions.record(id, text, author, this.now());
    this.sources.set(id, src);
    this.reresolve([id]);
    this.logger.info({ profile: id, version: version.version, author }, 'profile saved');
    return { ok: true, version, hash: r.hash };
  }

  history(id: string): ProfileVersion[] {
    return this.versions.list(id);
  }

  versionText(id: string, version: number): string | undefined {
    return this.versions.text(id, version);
  }

  diff(id: string, from: number, to: number): string | null {
    return this.versions.diff(id, from, to);
  }

  /** Called with the ids whose resolution may have changed (a base change touches children). */
  onChange(listener: (ids: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fileNameOf(id: string): string {
    const existing = this.sources.get(id);
    return existing ? path.basename(existing.file) : `${id}.yaml`;
  }

  /** Reads one file into `sources` and records a version if its text is new. */
  private readFile(f: string, author: string): string | null {
    const full = path.join(this.dir, f);
    let text: string;
    try {
      text = fs.readFileSync(full, 'utf8');
    } catch (err) {
      this.logger.warn({ err, file: f }, 'cannot read profile file');
      return null;
    }
    const src = parseProfileSource(text, full);
    const known = this.sources.get(src.id);
    if (known && known.text === text) return src.id;
    this.sources.set(src.id, src);
    // Keep every version, also those written by another editor; the latest-hash check
    // makes the watcher's echo of our own save a no-op.
    const latest = this.versions.list(src.id).at(-1);
    if (!latest || latest.hash !== textHash(text))
      this.versions.record(src.id, text, author, this.now());
    return src.id;
  }

  private reresolve(changed: string[]): void {
    const before = this.resolved;
    this.resolved = resolveAll(this.sources);
    const touched = new Set(changed);
    for (const [id, r] of this.resolved) {
      const old = before.get(id);
      const same =
        old &&
        old.ok === r.ok &&
        (r.ok ? old.ok && old.hash === r.hash : !old.ok && old.issues.length === r.issues.length);
      if (!same) touched.add(id);
    }
    for (const id of before.keys()) if (!this.resolved.has(id)) touched.add(id);
    for (const id of touched) {
      const r = this.resolved.get(id);
      if (r && !r.ok) {
        this.logger.warn({ profile: id, issues: r.issues.map(formatIssue) }, 'profile has errors');
      }
      this.opts.bus?.publish({
        type: 'profile',
        id,
        state: !r ? 'removed' : r.ok ? 'valid' : 'invalid',
        hash: r?.ok ? r.hash : null,
        issues: r && !r.ok ? r.issues.length : 0,
      });
    }
    if (touched.size > 0) {
      for (const l of this.listeners) {
        try {
          l([...touched]);
        } catch (err) {
          this.logger.error({ err }, 'profile change listener failed');
        }
      }
    }
  }

  private seed(): void {
    const seedDir = this.opts.seedDir;
    if (!seedDir || !fs.existsSync(seedDir)) return;
    // Only once per data dir: a technician who deletes every sample must not get them back.
    const marker = path.join(this.dir, '.seeded');
    if (fs.existsSync(marker) || fs.readdirSync(this.dir).some(isProfileFile)) return;
    for (const f of fs.readdirSync(seedDir)) {
      if (isProfileFile(f) || f === 'schema.json') {
        writeFileAtomic(path.join(this.dir, f), fs.readFileSync(path.join(seedDir, f), 'utf8'));
      }
    }
    fs.writeFileSync(marker, `${this.now().toISOString()}\n`);
    this.logger.info(
      { from: seedDir, to: this.dir },
      'seeded the profiles folder with the samples',
    );
  }
}

/** Temp file in the same dir, fsync, rename, fsync the dir: a crash leaves old or new, never half. */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const dir = path.dirname(file);
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}
