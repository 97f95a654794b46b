import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../log/logger.js';
import { sendError } from '../../net/http/errors.js';
import { reportFormats } from '../../reports/build.js';
import { contentDisposition } from '../../reports/routes.js';
import type { Report, ShopSettings } from '../../reports/types.js';
import { describePgError } from '../pg.js';
import type { ShopSnapshot } from './contract.js';
import type { ShopLive } from './live.js';
import type { ShopReadModel } from './read-model.js';
import { renderShopReport } from './render.js';
import {
  SHOP_REPORT_MAX_MACHINES,
  shopMachineReport,
  shopReport,
  type ShopReportSource,
} from './reports.js';

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

const isoTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO time, e.g. 2026-12-03T08:00:00Z',
});
const name = z.string().min(1).max(200);

const reportQuery = z.strictObject({
  format: z.enum(reportFormats).default('pdf'),
  paper: z.enum(['a4', 'letter']).optional(),
  technician: z.string().max(120).optional(),
  disposition: z.enum(['attachment', 'inline']).default('attachment'),
  station: name.optional(),
  batch: name.optional(),
  profile: name.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

/**
 * The shop view's UI API: the snapshot the page starts from (then the `shop` events keep it
 * current) and the reports across stations. Mounted on a station's UI with --shop-view and
 * on `prepstation shop serve`, behind the same token gate as everything else there.
 */
export function shopViewRoutes(d: ShopRoutesDeps) {
  const unavailable = (reply: FastifyReply, err: unknown): FastifyReply => {
    const message = describePgError(err, d.url);
    d.logger.warn({ error: message }, 'shop view: a request could not read the shop database');
    return sendError(
      reply,
      503,
      'shop_database_unavailable',
      `${message}. The view reconnects by itself; try again when the Services page shows it running.`,
    );
  };

  const send = async (
    reply: FastifyReply,
    report: Report,
    q: z.output<typeof reportQuery>,
  ): Promise<FastifyReply> => {
    const shop = d.shop();
    const out = await renderShopReport(report, q.format, {
      shop,
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

  const parse = (reply: FastifyReply, query: unknown) => {
    const q = reportQuery.safeParse(query);
    if (q.success) return q.data;
    sendError(
      reply,
      400,
      'invalid_query',
      q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
    return null;
  };

  const inputs = (technician?: string) => ({
    shop: d.shop(),
    now: d.now(),
    version: d.version,
    technician: technician ?? null,
  });

  return (app: FastifyInstance): void => {
    app.get('/api/v1/shop', async (_req, reply) => {
      try {
        const [stations, machines] = await Promise.all([d.model.stations(), d.model.machines()]);
        const snapshot: ShopSnapshot = { status: d.live.status(), stations, machines };
        return snapshot;
      } catch (err) {
        return unavailable(reply, err);
      }
    });

    // The view's own health, answered without the database (the page's banner reads it).
    app.get('/api/v1/shop/view-status', async () => d.live.status());

    app.get('/api/v1/shop/reports', async (req, reply) => {
      const q = parse(reply, req.query);
      if (!q) return reply;
      let result;
      try {
        result = await shopReport({ ...inputs(q.technician), source: d.source }, q);
      } catch (err) {
        return unavailable(reply, err);
      }
      if (!result.ok) {
        return sendError(
          reply,
          413,
          'too_many_machines',
          `More than ${SHOP_REPORT_MAX_MACHINES} machines match: narrow the report by station, batch, profile or period.`,
        );
      }
      return send(reply, result.report, q);
    });

    app.get<{ Params: { station: string; machine: string } }>(
      '/api/v1/shop/reports/stations/:station/machines/:machine',
      async (req, reply) => {
        const q = parse(reply, req.query);
        if (!q) return reply;
        let report;
        try {
          report = await shopMachineReport(
            { ...inputs(q.technician), source: d.source },
            req.params.station,
            req.params.machine,
          );
        } catch (err) {
          return unavailable(reply, err);
        }
        if (!report) {
          return sendError(
            reply,
            404,
            'not_found',
            `The shop database has no machine ${req.params.machine} of station ${req.params.station}.`,
          );
        }
        return send(reply, report, q);
      },
    );
  };
}
