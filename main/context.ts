import type { LoaderWatch } from './boot/loader-watch.js';
import type { BootResolver } from './boot/types.js';
import type { StationOptions } from './config/options.js';
import type { Db } from './db/open.js';
import type { EventBus } from './events/bus.js';
import type { Logger } from './log/logger.js';
import type { DriverLookup } from './drivers/types.js';
import type { MediaLookup } from './media/types.js';
import type { ClientDirectory } from './net/clients.js';
import type { SecretStore } from './profiles/secrets.js';
import type { ProfileStore } from './profiles/store.js';
import type { ServiceRegistry } from './services/registry.js';

/** What every part of the station is handed by the composition root (station.ts). */
export interface StationContext {
  /** Current options; replaced (not mutated) when the technician changes the bench network. */
  /** Current options; replaced (not mutated) when the technician changes the bench network. */
  options: StationOptions;
  paths: {
    dataDir: string;
    profilesDir: string;
    filesDir: string;
    logsDir: string;
    dbFile: string;
    rendererDir: string;
  };
  version: string;
  db: Db;
  logger: Logger;
  bus: EventBus;
  services: ServiceRegistry;
  uiToken: string;
  /** Base URL machines use to reach the bench listener, e.g. http://192.168.50.1:8080. */
  benchUrl: string;
  now: () => Date;
  /** IP -> MAC, learned from DHCP; lets TFTP and HTTP tie a request to a machine. */
  clients: ClientDirectory;
  /** UEFI PCs whose firmware refused their loader (Secure Boot); decides `auto`'s chain. */
  loaderWatch?: LoaderWatch;
  /** Decides what a machine asking for its boot script gets (set by the machines registry). */
  boot: BootResolver;
  /** Customer profiles: resolved, validated, versioned (main/profiles/store.ts). */
  profiles: ProfileStore;
  /** Imported Windows media (main/media/library.ts); set by the composition root. */
  media?: MediaLookup;
  /** The driver library (main/drivers/library.ts); set by the composition root. */
  drivers?: DriverLookup;
  /** Encrypted secrets that profiles reference by name; values only for rendering. */
  secrets: SecretStore;
}

/**
 * A part of the station with a lifetime: a socket server, a watcher, a timer. start()
 * records its own state in the service registry; a failure there never stops the others.
 */
export interface StationPart {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
