import type { Migration } from '../migrate.js';

/**
 * The boot log kept: every DHCP, TFTP and HTTP boot request the station saw, so a
 * technician can look up a PC that tried to boot an hour ago (the live view holds only
 * what arrived since the page opened). Pruned to the newest rows (main/bootlog/store.ts).
 */
export const m0035BootLog: Migration = {
  version: 35,
  name: 'boot log history',
  up: `
    CREATE TABLE boot_log (
      id INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      protocol TEXT NOT NULL,
      -- 12 lowercase hex digits, no separators: matches however a MAC is typed
      mac_hex TEXT,
      mac TEXT,
      client TEXT NOT NULL,
      summary TEXT NOT NULL,
      data TEXT
    ) STRICT;
    CREATE INDEX boot_log_mac ON boot_log (mac_hex, id);
  `,
};
