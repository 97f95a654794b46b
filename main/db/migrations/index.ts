import type { Migration } from '../migrate.js';
import { m0001Station } from './0001-station.js';
import { m0010Machines } from './0010-machines.js';
import { m0011ForgottenMachines } from './0011-forgotten-machines.js';
import { m0020Dhcp } from './0020-dhcp.js';
import { m0035BootLog } from './0035-boot-log.js';
import { m0040Profiles } from './0040-profiles.js';
import { m0050Apps } from './0050-apps.js';
import { m0060ShopOutbox } from './0060-shop-outbox.js';
import { m0070ShopLibrary } from './0070-shop-library.js';

/**
 * Every migration, in order. Add a file `NNNN-name.ts` and one line here; never edit a
 * migration that has shipped. Blocks: 0001-0009 station, 0010-0019 machines and events,
 * 0020-0029 DHCP, 0030-0039 boot and TFTP, 0040-0049 profiles and secrets, 0050-0059 app
 * library, 0060-0069 shop outbox, 0070-0079 shop libraries (issue 20).
 */
export const migrations: Migration[] = [
  m0001Station,
  m0010Machines,
  m0011ForgottenMachines,
  m0020Dhcp,
  m0035BootLog,
  m0040Profiles,
  m0050Apps,
  m0060ShopOutbox,
  m0070ShopLibrary,
];
