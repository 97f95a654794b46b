import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import type { ProfileVersion } from '../api/contract.js';
import type { Db } from '../db/open.js';
import { m0040Profiles } from '../db/migrations/0040-profiles.js';

export type { ProfileVersion };

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The version log of profile files in SQLite (migration 0040). Versions are appended,
 * never rewritten; a text equal to the latest version is not recorded twice, so the
 * watcher seeing the station's own save does not add a phantom version.
 */
export class ProfileHistory {
  private readonly stmts;

  constructor(db: Db) {
    // A data dir created before 0040 existed is already past version 40 when a later block
    // (0050) ran first; the migration is idempotent, so make sure the table is there.
    db.exec(m0040Profiles.up);
    this.stmts = {
      latest: db.prepare<[string], { version: number; hash: string }>(
        'SELECT version, hash FROM profile_versions WHERE profile_id = ? ORDER BY version DESC LIMIT 1',
      ),
      insert: db.prepare(
        'INSERT INTO profile_versions (profile_id, version, hash, author, saved_at, text) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      list: db.prepare<
        [string],
        { profile_id: string; version: number; hash: string; author: string; saved_at: string }
      >(
        'SELECT profile_id, version, hash, author, saved_at FROM profile_versions WHERE profile_id = ? ORDER BY version',
      ),
      text: db.prepare<[string, number], { text: string }>(
        'SELECT text FROM profile_versions WHERE profile_id = ? AND version = ?',
      ),
    };
  }

  /** Appends `text` as the next version unless it equals the latest; returns the latest. */
  record(profileId: string, text: string, author: string, at: Date): ProfileVersion {
    const hash = textHash(text);
    const latest = this.stmts.latest.get(profileId);
    if (latest && latest.hash === hash) {
      return this.list(profileId).at(-1)!;
    }
    const version = (latest?.version ?? 0) + 1;
    this.stmts.insert.run(profileId, version, hash, author, at.toISOString(), text);
    return { profileId, version, hash, author, savedAt: at.toISOString() };
  }

  list(profileId: string): ProfileVersion[] {
    return this.stmts.list.all(profileId).map((r) => ({
      profileId: r.profile_id,
      version: r.version,
      hash: r.hash,
      author: r.author,
      savedAt: r.saved_at,
    }));
  }

  text(profileId: string, version: number): string | undefined {
    return this.stmts.text.get(profileId, version)?.text;
  }

  /** Unified diff between two versions, or null if either does not exist. */
  diff(profileId: string, from: number, to: number): string | null {
    const a = this.text(profileId, from);
    const b = this.text(profileId, to);
    if (a === undefined || b === undefined) return null;
    return unifiedDiff(`${profileId}.yaml@${from}`, `${profileId}.yaml@${to}`, a, b);
  }
}

export function unifiedDiff(nameA: string, nameB: string, a: string, b: string): string {
  return createTwoFilesPatch(nameA, nameB, a, b, undefined, undefined, { context: 3 });
}
