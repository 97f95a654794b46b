/**
 * The station's part in the shop (issue 20): its identity, and with `--database` the
 * shipper. Without `--database` this loads no `pg` and changes nothing: the station id is
 * made (a settings row, invisible), GET /api/v1/shop/status says `enabled: false`, and no
 * service row is added. The shipper module (and with it `pg`) is imported only when needed.
 */
import type { FastifyInstance } from 'fastify';
import type { MachineSummary } from '../api/contract.js';
import type { StationContext, StationPart } from '../context.js';
import { route } from '../net/http/contract.js';
import { Outbox, stationIdentity, type StationIdentity } from './outbox.js';
import type { Shipper } from './shipper.js';
import { shopShipStatus } from './status-schema.js';
import type { ShopShipStatus } from './types.js';

export interface ShopPartDeps {
  /** The station's current view of a machine (registry + summarize); null once forgotten. */
  machineSummary: (machineId: string) => MachineSummary | null;
}

export function shopPart(
  ctx: StationContext,
  deps: ShopPartDeps,
): { part: StationPart; routes: (app: FastifyInstance) => void } {
  let identity: StationIdentity | null = null;
  let shipper: Shipper | null = null;
  let unsubscribe: (() => void) | null = null;

  const idle = (): ShopShipStatus => {
    const id = (identity ??= stationIdentity(ctx.db, ctx.now(), ctx.options.stationName));
    return {
      enabled: false,
      stationId: id.id,
      stationName: id.name,
      database: null,
      connected: false,
      backlog: new Outbox(ctx.db).backlog(),
      lastShippedSeq: null,
      lastShippedAt: null,
      lastError: null,
      lastErrorAt: null,
      gap: null,
    };
  };

  const part: StationPart = {
    name: 'shop',
    async start() {
      identity = stationIdentity(ctx.db, ctx.now(), ctx.options.stationName);
      const url = ctx.options.database;
      if (!url) {
        const outbox = new Outbox(ctx.db);
        if (outbox.enabled() && outbox.backlog() > 0) {
          ctx.logger.warn(
            { backlog: outbox.backlog() },
            'shop: this station shipped to a shop database before and runs without --database now; its events wait in the outbox until it runs with --database again',
          );
        }
        return;
      }
      ctx.services.set('shop', {
        label: 'Shop database',
        state: 'starting',
        address: null,
        error: null,
        fix: null,
      });
      const { Shipper } = await import('./shipper.js');
      shipper = new Shipper({
        db: ctx.db,
        url,
        station: {
          id: identity.id,
          name: identity.name,
          version: ctx.version,
          bench: () => ctx.benchUrl,
        },
        machineSummary: deps.machineSummary,
        logger: ctx.logger.child({ svc: 'shop' }),
        now: ctx.now,
        onStatus: (s) =>
          ctx.services.set('shop', {
            label: 'Shop database',
            state: s.connected && !s.lastError ? 'running' : 'failed',
            address: s.database,
            error: s.lastError,
            fix: s.lastError
              ? `This station keeps deploying; ${s.backlog} machine events wait in its outbox and reach the shop database in order once it answers again. Check the network to the database host, that PostgreSQL runs there, and --database.`
              : null,
          }),
      });
      shipper.start();
      // Machine events reach the outbox in their own transaction; the UI stream hears of
      // them right after: ship at once rather than at the next idle poll.
      unsubscribe = ctx.bus.on((e) => {
        if (e.type.startsWith('machine')) shipper?.nudge();
      });
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = null;
      await shipper?.stop();
      shipper = null;
    },
  };

  const routes = (app: FastifyInstance): void => {
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/shop/status',
        tag: 'shop',
        summary:
          "This station's shipping of machine events to the shop database: backlog, connection, last error, last gap.",
        reply: shopShipStatus,
      },
      async () => shipper?.status() ?? idle(),
    );
  };
  return { part, routes };
}
