import type { StationPart } from '../../context.js';
import type { EventBus } from '../../events/bus.js';
import type { Logger } from '../../log/logger.js';
import type { ShopSettings } from '../../reports/types.js';
import type { ServiceRegistry } from '../../services/registry.js';
import { createPool, maskDatabaseUrl, migratePg } from '../pg.js';
import type { ShopStatus } from './contract.js';
import { ShopLive } from './live.js';
import { ShopReadModel } from './read-model.js';
import { ShopReportSource } from './reports.js';
import { shopViewRoutes } from './routes.js';

export interface ShopViewDeps {
  /** The shop PostgreSQL URL (option `database`); shown only masked. */
  url: string;
  mode: ShopStatus['mode'];
  bus: EventBus;
  services: ServiceRegistry;
  logger: Logger;
  version: string;
  now: () => Date;
  shop: () => ShopSettings;
  profilesDir?: string;
  filesDir?: string;
  /** Tests shorten the station re-read. */
  tickMs?: number;
}

/**
 * The shop view as one part: its own small pool (the LISTEN connection holds one client for
 * good), the read model, the live feed and the routes. Built only when the view is asked
 * for (--shop-view or `shop serve`); the importer loads this module dynamically, so a
 * station without it never loads `pg`. The database being away never fails start(): the
 * view says so on the Services page and in its status, and reconnects.
 */
export function createShopView(d: ShopViewDeps) {
  const log = d.logger.child({ svc: 'shop-view' });
  const pool = createPool(d.url, {
    applicationName: `prepstation shop view (${d.mode})`,
    max: 4,
    onIdleError: (message) => log.warn({ error: message }, 'shop view: an idle connection failed'),
  });
  const model = new ShopReadModel(pool, d.now);
  const source = new ShopReportSource(pool);
  const label = 'Shop view (PostgreSQL)';
  const address = maskDatabaseUrl(d.url);
  const live = new ShopLive({
    pool,
    model,
    bus: d.bus,
    logger: log,
    url: d.url,
    mode: d.mode,
    now: d.now,
    ...(d.tickMs ? { tickMs: d.tickMs } : {}),
    // Tables the view reads may not exist yet when no station has shipped: the view makes them.
    prepare: async () => {
      await migratePg(pool);
    },
    onStatus: (s) =>
      d.services.set('shop-view', {
        label,
        address,
        ...(s.connected
          ? { state: 'running' }
          : {
              state: 'failed',
              error: s.error ?? 'the shop database does not answer',
              fix: 'Check that PostgreSQL runs and that this machine reaches it (the address and password in --database). The view reconnects by itself and catches up.',
            }),
      }),
  });
  const part: StationPart = {
    name: 'shop-view',
    async start() {
      d.services.set('shop-view', { label, address, state: 'starting' });
      await live.start();
    },
    async stop() {
      await live.stop();
      await pool.end().catch(() => undefined);
      d.services.set('shop-view', { state: 'stopped' });
    },
  };
  const routes = shopViewRoutes({
    model,
    live,
    source,
    logger: log,
    url: d.url,
    version: d.version,
    now: d.now,
    shop: d.shop,
    ...(d.profilesDir ? { profilesDir: d.profilesDir } : {}),
    ...(d.filesDir ? { filesDir: d.filesDir } : {}),
  });
  return { part, routes, live, model, source, pool };
}

export type ShopView = ReturnType<typeof createShopView>;
