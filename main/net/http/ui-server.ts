import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import type { Health } from '../../api/contract.js';
import type { StationContext } from '../../context.js';
import { maskUrl } from '../../log/logger.js';
import { TOKEN_COOKIE, bearer, tokenMatches } from './auth.js';
import { installErrorHandler, sendError } from './errors.js';
import { streamEvents } from './sse.js';

export type UiRoutes = (app: FastifyInstance, ctx: StationContext) => void | Promise<void>;

/**
 * The UI listener: the built renderer and /api/v1, on loopback by default. Every /api/v1
 * route but /health needs the token (Authorization: Bearer T, or the cookie set when the
 * page was opened with ?token=T).
 */
export async function createUiServer(
  ctx: StationContext,
  extraRoutes: UiRoutes[] = [],
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ svc: 'ui' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  });
  await app.register(fastifyCookie);

  app.addHook('onRequest', async (req, reply) => {
    const url = req.url;
    if (!url.startsWith('/api/')) return;
    if (url === '/api/v1/health' || url.startsWith('/api/v1/health?')) return;
    if (url === '/api/v1/session' && req.method === 'POST') return;
    const given = bearer(req.headers.authorization) ?? req.cookies[TOKEN_COOKIE];
    if (!tokenMatches(given, ctx.uiToken)) {
      req.log.warn({ url: maskUrl(url), ip: req.ip }, 'UI API request without a valid token');
      return sendError(
        reply,
        401,
        'unauthorized',
        'This needs the station token: open the dashboard link printed when the station started, or send Authorization: Bearer <token>.',
      );
    }
  });

  // Opening the dashboard link (?token=T) sets an HttpOnly cookie and drops the token from the URL.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/api/')) return;
    const q = req.query as Record<string, string | undefined>;
    if (q.token === undefined) return;
    if (!tokenMatches(q.token, ctx.uiToken)) return;
    reply.setCookie(TOKEN_COOKIE, q.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
    });
    const u = new URL(req.url, 'http://x');
    u.searchParams.delete('token');
    return reply.redirect(u.pathname + u.search, 303);
  });

  app.get('/api/v1/health', async (): Promise<Health> => ({ ok: true, version: ctx.version }));
  app.get('/api/v1/services', async () => ctx.services.list());
  app.get('/api/v1/events', (req, reply) => streamEvents(ctx.bus, req, reply));
  // The browser login form: a valid token becomes the same HttpOnly cookie as ?token=T.
  app.post('/api/v1/session', async (req, reply) => {
    const given = (req.body as { token?: unknown } | null)?.token;
    if (typeof given !== 'string' || !tokenMatches(given, ctx.uiToken)) {
      return sendError(
        reply,
        401,
        'unauthorized',
        'That token is not right. Use the one printed when the station started (also in ui-token in the data folder).',
      );
    }
    reply.setCookie(TOKEN_COOKIE, given, { path: '/', httpOnly: true, sameSite: 'strict' });
    return { ok: true };
  });
  app.post('/api/v1/session/logout', async (_req, reply) =>
    reply.clearCookie(TOKEN_COOKIE, { path: '/' }).send({ ok: true }),
  );

  for (const routes of extraRoutes) await routes(app, ctx);

  const index = path.join(ctx.paths.rendererDir, 'index.html');
  if (fs.existsSync(index)) {
    await app.register(fastifyStatic, {
      root: ctx.paths.rendererDir,
      wildcard: false,
      index: ['index.html'],
      cacheControl: false,
    });
  } else {
    ctx.logger.warn(
      { rendererDir: ctx.paths.rendererDir },
      'the web UI is not built; run npm run build (the API still works)',
    );
  }

  // The renderer is a single page: unknown non-API GETs get index.html, API ones a 404 body.
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/') && fs.existsSync(index)) {
      return reply.type('text/html').send(fs.createReadStream(index));
    }
    return sendError(reply, 404, 'not_found', `No such route: ${req.method} ${maskUrl(req.url)}`);
  });
  installErrorHandler(app, 'UI API');
  return app;
}
