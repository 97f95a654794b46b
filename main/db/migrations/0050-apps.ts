import type { Migration } from '../migrate.js';

/**
 * The app library: installers the technician imported into <files>/apps. One row per
 * package id (what profiles reference as `source: { package: id }`); importing the same id
 * again replaces the row, and the older file stays on disk because plans already handed
 * to machines still point at it.
 */
export const m0050Apps: Migration = {
  version: 50,
  name: 'app library packages',
  up: `
    CREATE TABLE app_packages (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      version TEXT NOT NULL,
      file_name TEXT NOT NULL,
      -- path under the files dir, served as /files/<path>
      path TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      imported_at TEXT NOT NULL
    ) STRICT;
  `,
};
