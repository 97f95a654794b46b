import type { Migration } from '../migrate.js';

/**
 * Machines the technician forgot (issue 13: a flood of invented MACs, PCs that left).
 * The event log stays append-only; a forgotten machine's entries are skipped when the
 * registry is rebuilt, so it does not come back at the next start.
 */
export const m0011ForgottenMachines: Migration = {
  version: 11,
  name: 'forgotten machines',
  up: `
    CREATE TABLE forgotten_machines (
      machine_id TEXT PRIMARY KEY REFERENCES machines(id),
      at TEXT NOT NULL
    ) STRICT;
  `,
};
