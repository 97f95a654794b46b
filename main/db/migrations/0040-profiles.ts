import type { Migration } from '../migrate.js';

/** Every saved or externally edited version of every profile file, never pruned. */
export const m0040Profiles: Migration = {
  version: 40,
  name: 'profile versions',
  up: `
    CREATE TABLE IF NOT EXISTS profile_versions (
      profile_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      hash TEXT NOT NULL,
      author TEXT NOT NULL,
      saved_at TEXT NOT NULL,
      text TEXT NOT NULL,
      PRIMARY KEY (profile_id, version)
    ) STRICT;
  `,
};
