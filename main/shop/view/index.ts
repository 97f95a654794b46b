import type { StationContext, StationPart } from '../../context.js';
import type { UiRoutes } from '../../net/http/ui-server.js';
import { readShop } from '../../reports/settings.js';

/**
 * The shop view on a station's own UI (--shop-view, issue 20), for the composition root:
 * null without the option. It needs the shop database (--database); the part and `pg`
 * are loaded only when both are given, so a station without them loads nothing of it.
 */
export async function createShopViewWiring(
  ctx: StationContext,
): Promise<{ part: StationPart; routes: UiRoutes } | null> {
  const o = ctx.options;
  if (!o.shopView) return null;
  if (!o.database) {
    ctx.services.set('shop-view', {
      label: 'Shop view (PostgreSQL)',
      state: 'disabled',
      address: null,
      error: '--shop-view shows what the stations shipped to the shop database, and none is given.',
      fix: 'Add --database postgres://user:password@host/db (the shop PostgreSQL the stations ship to), or drop --shop-view.',
    });
    return null;
  }
  const { createShopView } = await import('./part.js');
  const view = createShopView({
    url: o.database,
    mode: 'station',
    bus: ctx.bus,
    services: ctx.services,
    logger: ctx.logger,
    version: ctx.version,
    now: ctx.now,
    // The station's own shop settings (name, address, logo) head its shop reports too.
    shop: () => readShop(ctx.db),
    profilesDir: ctx.paths.profilesDir,
    filesDir: ctx.paths.filesDir,
  });
  return { part: view.part, routes: view.routes };
}
