import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, notFound } from '../../api/domain-error.js';
import type { Logger } from '../../log/logger.js';
import { route, type RawReply } from '../../net/http/contract.js';
import { contentDisposition } from '../../reports/routes.js';
import type { Report, ShopSettings } from '../../reports/types.js';
import { describePgError } from '../pg.js';
import {
  shopMachineParams,
  shopReportQuery,
  shopSnapshot,
  shopStatus,
  type ShopSnapshot,
} from './contract.js';
import type { ShopLive } from './live.js';
import type { ShopReadModel } from './read-model.js';
import { renderShopReport } from './render.js';
import {
  SHOP_REPORT_MAX_MACHINES,
  shopMachineReport,
  shopReport,
  type ShopReportSource,
} from './reports.js';
import type { z } from 'zod';

export interface ShopRoutesDeps {
  model: ShopReadModel;
  live: ShopLive;
  source: ShopReportSource;
  logger: Logger;
  url: string;
  version: string;
  now: () => Date;
  /** The shop's name and address on reports: the station's settings, or defaults. */
  shop: () => ShopSettings;
  profilesDir?: string;
  filesDir?: string;
}

const file: RawReply = {
  contentType: 'application/pdf | text/csv | application/json',
  description:
    'The report file: PDF, CSV (UTF-8 with BOM, a station column first) or JSON (docs/report.schema.json, each machine with its station).',
};

/**
 * The shop view's UI API: the snapshot the page starts from (then the `shop` events keep it
 * current) and the reports across stations. Mounted on a station's UI with --shop-view and
 * on `prepstation shop serve`, behind the same token gate as everything else there.
 */
export function shopViewRoutes(d: ShopRoutesDeps) {
  /** The database did not answer a request: 503 with what to check, the URL masked. */
  const unavailable = (err: unknown): DomainError => {
    const message = describePgError(err, d.url);
    d.logger.warn({ error: message }, 'shop view: a request could not read the shop database');
    return new DomainError('shop_database_unavailable', message, {
      status: 503,
      fix: 'The view reconnects by itself; try again when the Services page shows it running.',
    });
  };
  const reading = async <T>(read: () => Promise<T>): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      throw unavailable(err);
    }
  };

  const send = async (
    reply: FastifyReply,
    report: Report,
    q: z.output<typeof shopReportQuery>,
  ): Promise<FastifyReply> => {
    const out = await renderShopReport(report, q.format, {
      shop: d.shop(),
      ...(q.paper ? { paper: q.paper } : {}),
      ...(d.profilesDir ? { profilesDir: d.profilesDir } : {}),
      ...(d.filesDir ? { filesDir: d.filesDir } : {}),
    });
    return reply
      .header('content-type', out.contentType)
      .header('content-disposition', contentDisposition(q.disposition, out.fileName))
      .header('cache-control', 'no-store')
      .send(out.body);
  };

  const inputs = (technician?: string) => ({
    source: d.source,
    shop: d.shop(),
    now: d.now(),
    version: d.version,
    technician: technician ?? null,
  });

  return (app: FastifyInstance): void => {
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/shop',
        tag: 'shop',
        summary: 'Every station and every machine of the shop, from the shop database.',
        reply: shopSnapshot,
      },
      async (): Promise<ShopSnapshot> => {
        const [stations, machines] = await reading(() =>
          Promise.all([d.model.stations(), d.model.machines()]),
        );
        return { status: d.live.status(), stations, machines };
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/shop/view-status',
        tag: 'shop',
        summary: "The shop view's mode and whether it reads the database now (no query made).",
        reply: shopStatus,
      },
      async () => d.live.status(),
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/shop/reports',
        tag: 'shop',
        summary:
          'A prep report across stations (all, or by station, batch, profile, period) as PDF, CSV or JSON.',
        query: shopReportQuery,
        reply: file,
      },
      async ({ query, reply }) => {
        const result = await reading(() => shopReport(inputs(query.technician), query));
        if (!result.ok) {
          throw new DomainError(
            'too_many_machines',
            `More than ${SHOP_REPORT_MAX_MACHINES} machines match.`,
            { status: 413, fix: 'Narrow the report by station, batch, profile or period.' },
          );
        }
        return send(reply, result.report, query);
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/shop/reports/stations/:station/machines/:machine',
        tag: 'shop',
        summary: "One machine's prep report from the shop database, by station and machine id.",
        params: shopMachineParams,
        query: shopReportQuery,
        reply: file,
      },
      async ({ params, query, reply }) => {
        const report = await reading(() =>
          shopMachineReport(inputs(query.technician), params.station, params.machine),
        );
        if (!report) {
          throw notFound(
            `The shop database has no machine ${params.machine} of station ${params.station}.`,
          );
        }
        return send(reply, report, query);
      },
    );
  };
}
