import type { Migration } from '../migrate.js';

/**
 * Full-mode DHCP: bound leases (kept across restarts; offers live in memory only),
 * reservations by MAC, and addresses a client declined (RFC 2131 §3.1.5). Times are epoch ms.
 */
export const m0020Dhcp: Migration = {
  version: 20,
  name: 'dhcp leases and reservations',
  up: `
    CREATE TABLE dhcp_leases (
      mac TEXT PRIMARY KEY,
      ip TEXT NOT NULL UNIQUE,
      expires_at INTEGER NOT NULL,
      hostname TEXT,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE dhcp_reservations (
      mac TEXT PRIMARY KEY,
      ip TEXT NOT NULL UNIQUE,
      hostname TEXT,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE dhcp_declined (
      ip TEXT PRIMARY KEY,
      until INTEGER NOT NULL
    ) STRICT;
  `,
};
