import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import {
  batchReportFor,
  machineReportFor,
  renderReport,
  reportFormats,
  type RenderedReport,
} from './build.js';
import { readShop, shopSettingsBody, writeShop } from './settings.js';
import type { Report } from './types.js';

const reportQuery = z.strictObject({
  format: z.enum(reportFormats).default('pdf'),
  paper: z.enum(['a4', 'letter']).optional(),
  technician: z.string().max(120).optional(),
  /** inline: show in the browser (preview); default: download. */
  disposition: z.enum(['attachment', 'inline']).default('attachment'),
});

/** RFC 6266: an ASCII fallback name plus the UTF-8 one. */
export function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function badQuery(reply: FastifyReply, issues: z.core.$ZodIssue[]): FastifyReply {
  return sendError(
    reply,
    400,
    'invalid_query',
    issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
  );
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

  app.get<{ Params: { id: string } }>('/api/v1/reports/machines/:id', async (req, reply) => {
    const q = reportQuery.safeParse(req.query);
    if (!q.success) return badQuery(reply, q.error.issues);
    const report = machineReportFor(inputs(q.data.technician), req.params.id);
    if (!report)
      return sendError(reply, 404, 'not_found', `No machine ${req.params.id} (id or MAC).`);
    return send(reply, report, q.data);
  });

  app.get<{ Params: { id: string } }>('/api/v1/reports/batches/:id', async (req, reply) => {
    const q = reportQuery.safeParse(req.query);
    if (!q.success) return badQuery(reply, q.error.issues);
    const report = batchReportFor(inputs(q.data.technician), req.params.id);
    if (!report) return sendError(reply, 404, 'not_found', `No batch ${req.params.id}.`);
    return send(reply, report, q.data);
  });

  app.get('/api/v1/settings/shop', async () => readShop(ctx.db));

  app.put('/api/v1/settings/shop', async (req, reply) => {
    const parsed = shopSettingsBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      return sendError(
        reply,
        400,
        'invalid_body',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    }
    const shop = writeShop(ctx.db, parsed.data, ctx.now());
    ctx.logger.info(
      { name: shop.name, technician: shop.technician, logo: shop.logo !== null, paper: shop.paper },
      'shop settings changed',
    );
    return shop;
  });
}
