import type { Migration } from '../migrate.js';

export const m0001Station: Migration = {
  version: 1,
  name: 'station settings',
  up: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
  `,
};
