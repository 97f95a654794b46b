import fs from 'node:fs';
import path from 'node:path';
import { EventBus } from '../../events/bus.js';
import { createLogger, flushLogger, type Logger } from '../../log/logger.js';
import { loadOrCreateUiToken } from '../../net/http/auth.js';
import { httpPart } from '../../net/http/http-part.js';
import { createUiServer, type UiServerContext } from '../../net/http/ui-server.js';
import { defaultShop } from '../../reports/settings.js';
import { ServiceRegistry } from '../../services/registry.js';
import { packageRoot, packageVersion } from '../../util/package-root.js';
import { createShopView, type ShopView } from './part.js';

export interface ShopServerOptions {
  database: string;
  uiHost: string;
  uiPort: number;
  uiToken?: string;
  /** Where the generated token and the logs are kept. */
  dataDir: string;
  logLevel: string;
  /** The shop's name on reports (a station keeps it in its settings; this server has none). */
  shopName?: string;
  stdoutLog?: boolean;
  logger?: Logger;
  now?: () => Date;
  tickMs?: number;
}

/**
 * `prepstation shop serve`: the shop view without a station (no SQLite, no bench, no boot
 * services), on a server that reaches the shop PostgreSQL. The same UI server as a station
 * (token, host and origin checks, event stream, the built renderer) with only the shop's
 * routes; the renderer sees mode `shop-only` and shows the shop page.
 */
export async function startShopServer(o: ShopServerOptions) {
  fs.mkdirSync(o.dataDir, { recursive: true });
  const now = o.now ?? (() => new Date());
  const logger =
    o.logger ??
    createLogger({ level: o.logLevel, logsDir: path.join(o.dataDir, 'logs'), stdout: o.stdoutLog });
  const bus = new EventBus();
  const services = new ServiceRegistry(bus, now);
  const version = packageVersion();
  const view: ShopView = createShopView({
    url: o.database,
    mode: 'shop-only',
    bus,
    services,
    logger,
    version,
    now,
    shop: () => ({ ...defaultShop, name: o.shopName ?? null }),
    ...(o.tickMs ? { tickMs: o.tickMs } : {}),
  });
  const ctx: UiServerContext = {
    logger,
    bus,
    services,
    version,
    uiToken: loadOrCreateUiToken(o.dataDir, o.uiToken),
    options: { uiHost: o.uiHost },
    paths: { rendererDir: path.join(packageRoot(), 'dist', 'renderer') },
  };
  const ui = httpPart(
    { services, logger },
    {
      name: 'ui',
      label: 'Shop view UI and API',
      host: o.uiHost,
      port: o.uiPort,
      option: '--ui-port',
      create: () => createUiServer(ctx, [view.routes]),
    },
  );
  await ui.start();
  if (services.get('ui')?.state !== 'running') {
    const s = services.get('ui');
    await view.part.stop();
    throw new Error(`${s?.error ?? 'the UI listener did not start'}. ${s?.fix ?? ''}`.trim());
  }
  await view.part.start();
  const host = o.uiHost === '0.0.0.0' ? '127.0.0.1' : o.uiHost;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${ui.port()}`;
  logger.info({ ui: ui.port(), dataDir: o.dataDir }, 'shop view started');
  return {
    url,
    token: ctx.uiToken,
    view,
    bus,
    async stop() {
      await ui.stop();
      await view.part.stop();
      bus.close();
      logger.info('shop view stopped');
      if (!o.logger) await flushLogger(logger);
    },
  };
}

export type ShopServer = Awaited<ReturnType<typeof startShopServer>>;
