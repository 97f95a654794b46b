import type { Migration } from '../migrate.js';

/**
 * What this station knows of the shop's shared libraries (issue 20), so it keeps working
 * alone and resumes where it stopped: the shared version each local profile is based on
 * (and an edit not shared yet), edits the shop refused (kept, never lost), which secrets
 * and library items were last synced, and which local files can be served by sha256.
 * Idempotent (IF NOT EXISTS): the library store also runs it, whatever order blocks ran in.
 */
export const m0070ShopLibrary: Migration = {
  version: 70,
  name: 'shop library sync state',
  up: `
    CREATE TABLE IF NOT EXISTS shop_profile_sync (
      profile_id TEXT PRIMARY KEY,
      -- The shared version the local file is (or was edited from); 0: never shared.
      shared_version INTEGER NOT NULL,
      shared_hash TEXT,
      -- 'synced' | 'pending' (a local edit not shared yet) | 'conflict' (refused on push)
      state TEXT NOT NULL,
      local_hash TEXT,
      author TEXT,
      note TEXT,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS shop_profile_refused (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      profile_id TEXT NOT NULL,
      base_version INTEGER NOT NULL,
      head_version INTEGER NOT NULL,
      text TEXT NOT NULL,
      author TEXT NOT NULL,
      refused_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS shop_sync_marks (
      -- 'secret:<name>' or '<kind>:<id>': the digest last agreed with the shop.
      key TEXT PRIMARY KEY,
      digest TEXT NOT NULL,
      revision INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS shop_local_files (
      -- Path under the files dir; what the library route may serve by sha256.
      path TEXT PRIMARY KEY,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      mtime_ms REAL NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS shop_local_files_sha ON shop_local_files (sha256);
  `,
};
