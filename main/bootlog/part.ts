import type { FastifyInstance } from 'fastify';
import { bootLogPage, bootLogQuery } from '../api/boot-log.js';
import type { BootLogEvent } from '../api/contract.js';
import type { StationContext, StationPart } from '../context.js';
import { route } from '../net/http/contract.js';
import { BootLogStore } from './store.js';

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
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/boot-log',
        tag: 'boot-log',
        summary: 'The kept boot log, newest first, filtered and paged (before = next older page).',
        query: bootLogQuery,
        reply: bootLogPage,
      },
      async ({ query }) => {
        // What arrived in the last quarter second is part of the answer too.
        if (pending.length > 0) flush();
        return store.query(query);
      },
    );
  };
  return { part, routes };
}
