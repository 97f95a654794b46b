import type { Migration } from '../migrate.js';

/**
 * Machines, their append-only event log, batches and assignment rules. Machine state is
 * not a column anywhere: it is derived from machine_events (main/machines/state.ts).
 */
export const m0010Machines: Migration = {
  version: 10,
  name: 'machines, event log, batches, assignment rules',
  up: `
    CREATE TABLE machines (
      id TEXT PRIMARY KEY,
      created_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE machine_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      machine_id TEXT NOT NULL REFERENCES machines(id),
      at TEXT NOT NULL,
      deployment INTEGER NOT NULL,
      kind TEXT NOT NULL,
      -- the agent's report number within the deployment, for idempotent resends
      seq INTEGER,
      data TEXT NOT NULL
    ) STRICT;
    CREATE INDEX machine_events_by_machine ON machine_events(machine_id, id);
    -- A report is stored once: a resend with the same seq can never be inserted twice.
    CREATE UNIQUE INDEX machine_events_seq ON machine_events(machine_id, deployment, seq)
      WHERE seq IS NOT NULL;
    CREATE TRIGGER machine_events_no_update BEFORE UPDATE ON machine_events
      BEGIN SELECT RAISE(ABORT, 'machine_events is append-only'); END;
    CREATE TRIGGER machine_events_no_delete BEFORE DELETE ON machine_events
      BEGIN SELECT RAISE(ABORT, 'machine_events is append-only'); END;

    CREATE TABLE batches (
      id TEXT PRIMARY KEY,
      name TEXT,
      profile TEXT NOT NULL,
      count INTEGER,
      macs TEXT,
      created_at TEXT NOT NULL,
      closed_at TEXT
    ) STRICT;

    CREATE TABLE assignment_rules (
      id TEXT PRIMARY KEY,
      field TEXT NOT NULL CHECK (field IN ('vendor', 'model', 'mac')),
      pattern TEXT NOT NULL,
      profile TEXT NOT NULL,
      position INTEGER NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;
  `,
};
