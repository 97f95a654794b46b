import type { LoaderWatch } from './boot/loader-watch.js';
import type { BootResolver } from './boot/types.js';
import type { StationOptions } from './config/options.js';
import type { Db } from './db/open.js';
import type { EventBus } from './events/bus.js';
import type { Logger } from './log/logger.js';
import type { DriverLookup } from './drivers/types.js';
import type { BenchSighting } from './machines/lifecycle.js';
import type { MediaLookup } from './media/types.js';
import type { ClientDirectory } from './net/clients.js';
import type { SecretStore } from './profiles/secrets.js';
import type { ProfileStore } from './profiles/store.js';
import type { ServiceRegistry } from './services/registry.js';

/**
 * What every part of the station is handed by the composition root (station.ts). Built
 * once, in dependency order, and never assigned to afterwards: `options` and `benchUrl`
 * are read from the one owner of the bench network (BenchNetwork below), which station.ts
 * changes through named methods when the technician picks another network.
 */
export interface StationContext {
  /** Current options; replaced as a whole (never mutated) when the bench network changes. */
  readonly options: StationOptions;
  readonly paths: {
    dataDir: string;
    profilesDir: string;
    filesDir: string;
    logsDir: string;
    dbFile: string;
    rendererDir: string;
  };
  readonly version: string;
  readonly db: Db;
  readonly logger: Logger;
  readonly bus: EventBus;
  readonly services: ServiceRegistry;
  readonly uiToken: string;
  /** Base URL machines use to reach the bench listener, e.g. http://192.168.50.1:8080. */
  readonly benchUrl: string;
  readonly now: () => Date;
  /** IP -> MAC, learned from DHCP; lets TFTP and HTTP tie a request to a machine. */
  readonly clients: ClientDirectory;
  /** UEFI PCs whose firmware refused their loader (Secure Boot); decides `auto`'s chain. */
  readonly loaderWatch?: LoaderWatch;
  /** Decides what a machine asking for its boot script gets (the machines part's resolver). */
  readonly boot: BootResolver;
  /**
   * A DHCP, TFTP or HTTP request named a machine: the protocol adapters tell the machines
   * lifecycle here (main/machines/lifecycle.ts benchSighting), typed, not through the UI's
   * boot-log event.
   */
  readonly machineSighted: (s: BenchSighting) => void;
  /** Customer profiles: resolved, validated, versioned (main/profiles/store.ts). */
  readonly profiles: ProfileStore;
  /** Imported Windows media (main/media/library.ts). */
  readonly media?: MediaLookup;
  /** The driver library (main/drivers/library.ts). */
  readonly drivers?: DriverLookup;
  /** Encrypted secrets that profiles reference by name; values only for rendering. */
  readonly secrets: SecretStore;
}

/**
 * The one owner of what the bench network settings decide: the options in force and the
 * URL machines reach the bench listener at. Parts read them through the context on each
 * use; only the composition root changes them, by these two methods.
 */
export class BenchNetwork {
  private port: number;
  private current: StationOptions;

  constructor(options: StationOptions) {
    this.current = options;
    this.port = options.httpPort;
  }

  get options(): StationOptions {
    return this.current;
  }

  /** The URL machines use to reach the bench listener. */
  get benchUrl(): string {
    const o = this.current;
    const host = o.httpHost ?? o.benchAddress ?? '127.0.0.1';
    const announced = o.benchAddress ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
    return `http://${announced}:${this.port}`;
  }

  /** The bench listener is up: with --http-port 0 the real port is known only now. */
  listening(port: number): void {
    this.port = port;
  }

  /** The technician chose another bench network: new options, the configured port again. */
  replace(options: StationOptions): void {
    this.current = options;
    this.port = options.httpPort;
  }
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
