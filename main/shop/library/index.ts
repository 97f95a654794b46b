import type { FastifyInstance } from 'fastify';
import type { AppLibrary } from '../../apps/library.js';
import type { StationContext, StationPart } from '../../context.js';
import type { DriverLibrary } from '../../drivers/library.js';
import type { MediaLibrary } from '../../media/library.js';
import { stationIdentity } from '../outbox.js';
import { libraryUiRoutes } from './routes.js';
import type { ShopLibraryApi } from './types.js';

export interface ShopLibraryWiring {
  /** For the profile save route; null without --database (it saves locally as always). */
  api: ShopLibraryApi | null;
  /** null without --database. */
  part: StationPart | null;
  uiRoutes: (app: FastifyInstance) => void;
  benchRoutes: (app: FastifyInstance) => void;
}

/**
 * What station.ts adds for the shared libraries. Without --database: the status route
 * (enabled: false) and nothing else; `pg` is not loaded (imported here only with a URL).
 */
export async function createShopLibraryWiring(
  ctx: StationContext,
  libs: { apps: AppLibrary; media: MediaLibrary | null; drivers: DriverLibrary | null },
  opts: { intervalMs?: number } = {},
): Promise<ShopLibraryWiring> {
  const url = ctx.options.database;
  if (!url) {
    return {
      api: null,
      part: null,
      uiRoutes: (app) => libraryUiRoutes(app, null),
      benchRoutes: () => undefined,
    };
  }
  const { createPool, describePgError, migratePg } = await import('../pg.js');
  const { ShopLibrary } = await import('./part.js');
  const logger = ctx.logger.child({ svc: 'shop-library' });
  const pool = createPool(url, {
    applicationName: 'prepstation library',
    max: 3,
    onIdleError: (message) => logger.warn({ err: message }, 'shop database connection lost'),
  });
  const identity = stationIdentity(ctx.db, ctx.now(), ctx.options.stationName);
  const lib = new ShopLibrary({
    pool,
    db: ctx.db,
    logger: ctx.logger,
    bus: ctx.bus,
    now: ctx.now,
    stationId: identity.id,
    dataDir: ctx.paths.dataDir,
    filesDir: ctx.paths.filesDir,
    profiles: ctx.profiles,
    secrets: ctx.secrets,
    apps: libs.apps,
    drivers: libs.drivers,
    media: libs.media,
    advertisedUrl: () => ctx.options.shopUrl ?? ctx.benchUrl,
    origins: ctx.options.libraryOrigin ? [ctx.options.libraryOrigin] : [],
    ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
    describeError: (err) => describePgError(err, url),
    services: ctx.services,
    // The shipper migrates too; both take the same advisory lock, so either may be first.
    prepare: async () => {
      await migratePg(pool);
    },
  });
  return {
    api: lib,
    part: {
      name: lib.part.name,
      start: () => lib.part.start(),
      stop: async () => {
        await lib.part.stop();
        await pool.end().catch(() => undefined);
      },
    },
    uiRoutes: (app) => libraryUiRoutes(app, lib),
    benchRoutes: lib.benchRoutes,
  };
}
