import type { Db } from '../../db/open.js';
import { m0070ShopLibrary } from '../../db/migrations/0070-shop-library.js';

export type ProfileSyncState = 'synced' | 'pending' | 'conflict';

export interface ProfileSync {
  profileId: string;
  sharedVersion: number;
  sharedHash: string | null;
  state: ProfileSyncState;
  /** Hash of the local text when it was last saved (pending or conflict: the unshared edit). */
  localHash: string | null;
  author: string | null;
  note: string | null;
  updatedAt: string;
}

export interface RefusedEdit {
  id: number;
  profileId: string;
  baseVersion: number;
  headVersion: number;
  text: string;
  author: string;
  refusedAt: string;
}

interface SyncRow {
  profile_id: string;
  shared_version: number;
  shared_hash: string | null;
  state: ProfileSyncState;
  local_hash: string | null;
  author: string | null;
  note: string | null;
  updated_at: string;
}

/** Named statements for the shop library's SQLite tables (migration 0070). */
export class SyncStore {
  private readonly s;

  constructor(
    db: Db,
    private readonly now: () => Date,
  ) {
    db.exec(m0070ShopLibrary.up);
    this.s = {
      profile: db.prepare<[string], SyncRow>(
        'SELECT * FROM shop_profile_sync WHERE profile_id = ?',
      ),
      profiles: db.prepare<[], SyncRow>('SELECT * FROM shop_profile_sync ORDER BY profile_id'),
      putProfile: db.prepare(
        `INSERT INTO shop_profile_sync (profile_id, shared_version, shared_hash, state, local_hash, author, note, updated_at)
         VALUES (@profileId, @sharedVersion, @sharedHash, @state, @localHash, @author, @note, @updatedAt)
         ON CONFLICT(profile_id) DO UPDATE SET shared_version = excluded.shared_version,
           shared_hash = excluded.shared_hash, state = excluded.state, local_hash = excluded.local_hash,
           author = excluded.author, note = excluded.note, updated_at = excluded.updated_at`,
      ),
      refuse: db.prepare(
        `INSERT INTO shop_profile_refused (profile_id, base_version, head_version, text, author, refused_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      refused: db.prepare<[string], Record<string, unknown>>(
        'SELECT * FROM shop_profile_refused WHERE profile_id = ? ORDER BY id',
      ),
      mark: db.prepare<[string], { digest: string; revision: number }>(
        'SELECT digest, revision FROM shop_sync_marks WHERE key = ?',
      ),
      putMark: db.prepare(
        `INSERT INTO shop_sync_marks (key, digest, revision) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET digest = excluded.digest, revision = excluded.revision`,
      ),
      dropMark: db.prepare('DELETE FROM shop_sync_marks WHERE key = ?'),
      marks: db.prepare<[string], { key: string; digest: string; revision: number }>(
        "SELECT key, digest, revision FROM shop_sync_marks WHERE key LIKE ? ESCAPE '\\'",
      ),
      fileBySha: db.prepare<[string], { path: string; size: number; mtime_ms: number }>(
        'SELECT path, size, mtime_ms FROM shop_local_files WHERE sha256 = ?',
      ),
      fileByPath: db.prepare<[string], { sha256: string; size: number; mtime_ms: number }>(
        'SELECT sha256, size, mtime_ms FROM shop_local_files WHERE path = ?',
      ),
      putFile: db.prepare(
        `INSERT INTO shop_local_files (path, sha256, size, mtime_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, mtime_ms = excluded.mtime_ms`,
      ),
      dropFile: db.prepare('DELETE FROM shop_local_files WHERE path = ?'),
    };
  }

  profile(id: string): ProfileSync | null {
    const r = this.s.profile.get(id);
    return r ? fromSyncRow(r) : null;
  }

  profiles(): ProfileSync[] {
    return this.s.profiles.all().map(fromSyncRow);
  }

  putProfile(p: Omit<ProfileSync, 'updatedAt'>): void {
    this.s.putProfile.run({ ...p, updatedAt: this.now().toISOString() });
  }

  /** Keeps an edit the shop refused; returns its number for the technician. */
  refuse(e: Omit<RefusedEdit, 'id' | 'refusedAt'>): number {
    const r = this.s.refuse.run(
      e.profileId,
      e.baseVersion,
      e.headVersion,
      e.text,
      e.author,
      this.now().toISOString(),
    );
    return Number(r.lastInsertRowid);
  }

  refused(profileId: string): RefusedEdit[] {
    return this.s.refused.all(profileId).map((r) => ({
      id: r.id as number,
      profileId: r.profile_id as string,
      baseVersion: r.base_version as number,
      headVersion: r.head_version as number,
      text: r.text as string,
      author: r.author as string,
      refusedAt: r.refused_at as string,
    }));
  }

  mark(key: string): { digest: string; revision: number } | null {
    return this.s.mark.get(key) ?? null;
  }

  marks(prefix: string): { key: string; digest: string; revision: number }[] {
    return this.s.marks.all(prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%');
  }

  putMark(key: string, digest: string, revision: number): void {
    this.s.putMark.run(key, digest, revision);
  }

  dropMark(key: string): void {
    this.s.dropMark.run(key);
  }

  fileBySha(sha256: string): { path: string; size: number; mtimeMs: number }[] {
    return this.s.fileBySha
      .all(sha256)
      .map((r) => ({ path: r.path, size: r.size, mtimeMs: r.mtime_ms }));
  }

  fileByPath(p: string): { sha256: string; size: number; mtimeMs: number } | null {
    const r = this.s.fileByPath.get(p);
    return r ? { sha256: r.sha256, size: r.size, mtimeMs: r.mtime_ms } : null;
  }

  putFile(p: string, sha256: string, size: number, mtimeMs: number): void {
    this.s.putFile.run(p, sha256, size, mtimeMs);
  }

  dropFile(p: string): void {
    this.s.dropFile.run(p);
  }
}

function fromSyncRow(r: SyncRow): ProfileSync {
  return {
    profileId: r.profile_id,
    sharedVersion: r.shared_version,
    sharedHash: r.shared_hash,
    state: r.state,
    localHash: r.local_hash,
    author: r.author,
    note: r.note,
    updatedAt: r.updated_at,
  };
}
