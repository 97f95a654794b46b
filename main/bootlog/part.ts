import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BootLogEvent } from '../api/contract.js';
import type { StationContext, StationPart } from '../context.js';
import { sendError } from '../net/http/errors.js';
import { BootLogStore } from './store.js';

const querySchema = z.object({
  mac: z.string().max(40).optional(),
  protocol: z.enum(['dhcp', 'proxydhcp', 'tftp', 'http']).optional(),
  client: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/**
 * Keeps the boot log: `boot` events from the bus are written in batches (a DHCP storm is
 * one transaction every quarter second, not a write per packet), and GET /api/v1/boot-log
 * reads them back newest first with filters and paging.
 */
export function bootLogPart(ctx: StationContext): {
  part: StationPart;
  routes: (app: FastifyInstance) => void;
} {
  const store = new BootLogStore(ctx.db);
  let pending: BootLogEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let off: (() => void) | null = null;
  let flushes = 0;
  const flush = (): void => {
    const batch = pending;
    pending = [];
    try {
      store.append(batch);
      if (++flushes % 500 === 0) store.pruneOld();
    } catch (err) {
      ctx.logger.warn({ err: (err as Error).message, lines: batch.length }, 'boot log not kept');
    }
  };
  const part: StationPart = {
    name: 'boot-log',
    async start() {
      store.pruneOld();
      off = ctx.bus.on((e) => {
        if (e.type === 'boot') pending.push(e);
      });
      timer = setInterval(() => pending.length > 0 && flush(), 250);
      timer.unref();
    },
    async stop() {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
      if (pending.length > 0) flush();
    },
  };
  const routes = (app: FastifyInstance): void => {
    app.get('/api/v1/boot-log', async (req, reply) => {
      const q = querySchema.safeParse(req.query);
      if (!q.success) return sendError(reply, 400, 'invalid_query', q.error.issues[0]!.message);
      // What arrived in the last quarter second is part of the answer too.
      if (pending.length > 0) flush();
      return store.query(q.data);
    });
  };
  return { part, routes };
}
