import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { StationContext } from '../../context.js';
import { maskUrl } from '../../log/logger.js';
import { installErrorHandler, sendError } from './errors.js';
import { installRequestDeadlines } from './timeouts.js';

export type BenchRoutes = (app: FastifyInstance, ctx: StationContext) => void | Promise<void>;

/**
 * The bench listener: boot scripts, files and the agent API, facing the bench network.
 * Nothing here changes station state except an agent reporting about its own machine with
 * its own token.
 */
export async function createBenchServer(
  ctx: StationContext,
  routes: BenchRoutes[] = [],
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ svc: 'bench-http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    bodyLimit: 1024 * 1024,
    // Installers and iPXE can be slow on a loaded bench; do not cut long downloads.
    connectionTimeout: 0,
    keepAliveTimeout: 10_000,
  });
  // Before any route: a route takes the error handler of its scope when it is added.
  installErrorHandler(app, 'bench request');
  // The idle timeout stays off for long downloads; receiving a request has deadlines.
  installRequestDeadlines(app);
  app.get('/health', async () => ({ ok: true, version: ctx.version }));
  for (const r of routes) await r(app, ctx);
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found', `No such path: ${req.method} ${maskUrl(req.url)}`),
  );
  return app;
}
