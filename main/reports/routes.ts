import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { idParams } from '../api/common.js';
import { notFound } from '../api/domain-error.js';
import { reportQuery, shopSettings } from '../api/reports.js';
import type { StationContext } from '../context.js';
import { route, type RawReply } from '../net/http/contract.js';
import { sendError } from '../net/http/errors.js';
import { batchReportFor, machineReportFor, renderReport, type RenderedReport } from './build.js';
import { readShop, shopSettingsBody, writeShop } from './settings.js';
import type { Report } from './types.js';

/** RFC 6266: an ASCII fallback name plus the UTF-8 one. */
export function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * The report routes of the UI API and the shop settings they print. Reports are built
 * from SQLite on each request (never cached), so a report of a running batch is current.
 */
export function reportRoutes(app: FastifyInstance, ctx: StationContext): void {
  const send = async (
    reply: FastifyReply,
    report: Report,
    q: z.output<typeof reportQuery>,
  ): Promise<FastifyReply> => {
    const shop = readShop(ctx.db);
    let out: RenderedReport;
    try {
      out = await renderReport(report, q.format, {
        shop,
        ...(q.paper ? { paper: q.paper } : {}),
        profilesDir: ctx.paths.profilesDir,
        filesDir: ctx.paths.filesDir,
      });
    } catch (err) {
      ctx.logger.error({ err, format: q.format }, 'rendering a report failed');
      return sendError(
        reply,
        500,
        'report_failed',
        'The report could not be rendered; see the station log.',
      );
    }
    return reply
      .header('content-type', out.contentType)
      .header('content-disposition', contentDisposition(q.disposition, out.fileName))
      .header('cache-control', 'no-store')
      .send(out.body);
  };

  const inputs = (technician?: string) => ({
    db: ctx.db,
    now: ctx.now(),
    stationVersion: ctx.version,
    technician: technician ?? null,
  });

  const file: RawReply = {
    contentType: 'application/pdf',
    description: 'the report file: application/pdf, text/csv (UTF-8 BOM) or application/json',
  };
  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/reports/machines/:id',
      tag: 'reports',
      summary: "One machine's prep report (by id or MAC) as PDF, CSV or JSON.",
      params: idParams,
      query: reportQuery,
      reply: file,
    },
    async ({ params, query, reply }) => {
      const report = machineReportFor(inputs(query.technician), params.id);
      if (!report) throw notFound(`No machine ${params.id} (id or MAC).`);
      return send(reply, report, query);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/reports/batches/:id',
      tag: 'reports',
      summary: "A batch's prep report: the summary, then each machine.",
      params: idParams,
      query: reportQuery,
      reply: file,
    },
    async ({ params, query, reply }) => {
      const report = batchReportFor(inputs(query.technician), params.id);
      if (!report) throw notFound(`No batch ${params.id}.`);
      return send(reply, report, query);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/settings/shop',
      tag: 'reports',
      summary: "The shop's name, address, technician, logo, paper and time zone on reports.",
      reply: shopSettings,
    },
    async () => readShop(ctx.db),
  );

  route(
    app,
    {
      method: 'PUT',
      url: '/api/v1/settings/shop',
      tag: 'reports',
      summary: 'Change any of the shop settings (null clears a field).',
      body: shopSettingsBody,
      reply: shopSettings,
    },
    async ({ body }) => {
      const shop = writeShop(ctx.db, body, ctx.now());
      ctx.logger.info(
        {
          name: shop.name,
          technician: shop.technician,
          logo: shop.logo !== null,
          paper: shop.paper,
        },
        'shop settings changed',
      );
      return shop;
    },
  );
}
