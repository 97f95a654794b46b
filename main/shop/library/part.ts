import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { AppLibrary } from '../../apps/library.js';
import type { StationPart } from '../../context.js';
import type { Db } from '../../db/open.js';
import type { DriverLibrary } from '../../drivers/library.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log/logger.js';
import type { MediaLibrary } from '../../media/library.js';
import type { SecretStore } from '../../profiles/secrets.js';
import type { ServiceRegistry } from '../../services/registry.js';
import type { ProfileStore } from '../../profiles/store.js';
import { blobRoutes, type FetchCounters } from './blobs.js';
import { CatalogSync } from './catalog-sync.js';
import { SharedProfiles } from './profiles.js';
import { SharedSecrets } from './secrets.js';
import { SHOP_KEY_FILE, ShopKeyError, keyCheck, resolveShopKey } from './shop-key.js';
import { SyncStore } from './sync-store.js';
import type { ShopLibraryApi, ShopLibraryStatus } from './types.js';

export interface ShopLibraryDeps {
  pool: Pool;
  db: Db;
  logger: Logger;
  bus: EventBus;
  now: () => Date;
  /** settings `station.id`: who wrote what in the shop. */
  stationId: string;
  dataDir: string;
  filesDir: string;
  profiles: ProfileStore;
  secrets: SecretStore;
  apps: AppLibrary;
  drivers: DriverLibrary | null;
  media: MediaLibrary | null;
  /** The base URL other stations reach this station's bench listener at. */
  advertisedUrl: () => string;
  /** HTTP origins or caches tried before the stations: `<origin>/<sha256>`. */
  origins?: string[];
  /** Between two sync passes (default 2 s); a local change starts one at once. */
  intervalMs?: number;
  /** Describes a database error without its password (main/shop/pg.ts describePgError). */
  describeError?: (err: unknown) => string;
  /** The Services page: a row saying whether the libraries are in step, and what to do. */
  services?: ServiceRegistry;
  /** Run before the first pass succeeds (the database migrations). */
  prepare?: () => Promise<void>;
}

/**
 * The shared libraries of issue 20, built only with --database: profiles (versions with
 * optimistic concurrency), secrets (sealed with the shop key) and the app, driver and media
 * libraries (metadata in PostgreSQL, files fetched by content from the station holding
 * them). The station keeps its own copies and deploys from them; this part keeps them in
 * step with the shop whenever the database is reachable, and never makes the bench wait.
 */
export class ShopLibrary implements ShopLibraryApi {
  readonly sync: SyncStore;
  readonly profiles: SharedProfiles;
  private readonly counters: FetchCounters = {
    received: 0,
    refused: 0,
    served: 0,
    denied: 0,
    lastRefusal: null,
  };
  private key: Buffer | null = null;
  private keyProblem: string | null = null;
  private secrets: SharedSecrets | null = null;
  private catalog: CatalogSync | null = null;
  private connected = false;
  private lastError: string | null = null;
  private lastSyncAt: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly unsubscribe: (() => void)[] = [];
  private prepared = false;
  private catalogRunning: Promise<void> | null = null;
  private catalogError: string | null = null;
  private reported: string | null = null;

  constructor(private readonly deps: ShopLibraryDeps) {
    this.sync = new SyncStore(deps.db, deps.now);
    const logger = deps.logger.child({ svc: 'shop-library' });
    this.deps = { ...deps, logger };
    this.profiles = new SharedProfiles(
      deps.pool,
      deps.profiles,
      this.sync,
      deps.stationId,
      logger,
      deps.describeError,
    );
  }

  saveProfile(id: string, text: string, author: string, baseHash: string | undefined) {
    const r = this.profiles.save(id, text, author, baseHash);
    // The other stations hear of it on their next pass; this one sends what it holds now.
    void r.then(
      () => this.kick(),
      () => undefined,
    );
    return r;
  }

  status(): ShopLibraryStatus {
    const profiles = this.sync.profiles();
    return {
      enabled: true,
      connected: this.connected,
      lastError: this.lastError,
      lastSyncAt: this.lastSyncAt,
      keyProblem: this.keyProblem,
      profiles: {
        pending: profiles.filter((p) => p.state === 'pending').map((p) => p.profileId),
        conflicts: profiles
          .filter((p) => p.state === 'conflict')
          .map((p) => ({ id: p.profileId, note: p.note })),
      },
      fetches: { ...this.counters },
    };
  }

  /** The library file route of the bench listener (for other stations, with a grant). */
  readonly benchRoutes = (app: FastifyInstance): void =>
    blobRoutes({
      filesDir: this.deps.filesDir,
      sync: this.sync,
      key: () => this.key,
      now: this.deps.now,
      counters: this.counters,
    })(app);

  readonly part: StationPart = {
    name: 'shop-library',
    start: async () => {
      this.stopped = false;
      this.unsubscribe.push(
        this.deps.profiles.onChange((ids) => {
          this.profiles.onLocalChange(ids);
          this.kick();
        }),
      );
      this.unsubscribe.push(
        this.deps.bus.on((e) => {
          if (e.type === 'app-package' || e.type === 'media') {
            this.catalog?.touch();
            this.kick();
          }
        }),
      );
      this.kick();
    },
    stop: async () => {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      for (const u of this.unsubscribe.splice(0)) u();
      this.catalog?.stop();
      await this.running;
      await this.catalogRunning;
    },
  };

  /** A full pass now, the libraries looked at again too (the technician's "sync now"). */
  async syncNow(): Promise<ShopLibraryStatus> {
    await this.running;
    await this.catalogRunning;
    this.catalog?.touch();
    await this.kick();
    await this.catalogRunning;
    return this.status();
  }

  /** One sync pass now (or right after the one running). */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.pass().finally(() => {
      this.running = null;
      if (this.stopped) return;
      const wait = this.again ? 0 : (this.deps.intervalMs ?? 2000);
      this.again = false;
      this.timer = setTimeout(() => void this.kick(), wait);
      this.timer.unref();
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const { logger } = this.deps;
    try {
      if (!this.prepared) {
        await this.deps.prepare?.();
        this.prepared = true;
      }
      if (!this.key) await this.resolveKey();
      await this.profiles.syncOnce();
      if (this.key) await this.secrets!.syncOnce();
      if (!this.connected) logger.info('shop libraries in step with the shop database');
      this.connected = true;
      this.lastError = this.catalogError;
      this.lastSyncAt = this.deps.now().toISOString();
      // Library files can take minutes (a medium is gigabytes): their own loop, so profiles
      // and secrets never wait behind a download.
      if (this.key && !this.catalogRunning) {
        this.catalogRunning = this.catalogPass().finally(() => {
          this.catalogRunning = null;
        });
      }
    } catch (err) {
      const message = this.deps.describeError?.(err) ?? (err as Error).message;
      if (this.connected || this.lastError !== message) {
        logger.warn(
          { err: message },
          'shop libraries not synced; the station goes on with its own copies',
        );
      }
      this.connected = false;
      this.lastError = message;
    }
    this.report();
  }

  /** One row on the Services page; set only when it changes (the registry publishes events). */
  private report(): void {
    const services = this.deps.services;
    if (!services) return;
    const problem = this.keyProblem ?? this.lastError;
    const row = {
      label: 'Shop libraries (profiles, secrets, apps, media, drivers)',
      state: (this.connected && !problem ? 'running' : 'failed') as 'running' | 'failed',
      address: null,
      error: problem,
      fix: this.keyProblem
        ? 'Copy shop.key from a station of the shop into this station’s data folder (mode 0600).'
        : problem
          ? 'This station keeps deploying from its own copies; edits are kept and shared when the shop database and the other stations answer again. Check the network to them.'
          : null,
    };
    const key = JSON.stringify(row);
    if (key === this.reported) return;
    this.reported = key;
    services.set('shop-library', row);
  }

  private async catalogPass(): Promise<void> {
    try {
      const r = await this.catalog!.syncOnce();
      this.catalogError = r.failed.length > 0 ? r.failed.join('; ') : null;
    } catch (err) {
      this.catalogError = this.deps.describeError?.(err) ?? (err as Error).message;
    }
    if (this.catalogError) this.lastError = this.catalogError;
    this.report();
  }

  /** The first station of a shop makes the key; the others must have been given it. */
  private async resolveKey(): Promise<void> {
    const { pool, stationId } = this.deps;
    const file = path.join(this.deps.dataDir, SHOP_KEY_FILE);
    const read = async () =>
      (await pool.query<{ key_check: string }>('SELECT key_check FROM shop_key')).rows[0]
        ?.key_check ?? null;
    try {
      let check = await read();
      const key = resolveShopKey(file, check);
      if (check === null) {
        await pool.query(
          'INSERT INTO shop_key (key_check, station_id) VALUES ($1, $2) ON CONFLICT (one) DO NOTHING',
          [keyCheck(key), stationId],
        );
        check = await read();
        resolveShopKey(file, check); // another station may have been first: same check
      }
      this.key = key;
      this.keyProblem = null;
      this.secrets = new SharedSecrets(
        pool,
        this.deps.secrets,
        this.sync,
        key,
        stationId,
        this.deps.logger,
      );
      this.catalog = new CatalogSync({
        pool,
        libs: {
          filesDir: this.deps.filesDir,
          apps: this.deps.apps,
          drivers: this.deps.drivers,
          media: this.deps.media,
        },
        sync: this.sync,
        logger: this.deps.logger,
        now: this.deps.now,
        stationId,
        key,
        counters: this.counters,
        advertisedUrl: this.deps.advertisedUrl,
        origins: this.deps.origins ?? [],
      });
    } catch (err) {
      if (!(err instanceof ShopKeyError)) throw err;
      if (this.keyProblem !== err.message) this.deps.logger.error({ file }, err.message);
      this.keyProblem = err.message;
      this.report();
    }
  }
}
