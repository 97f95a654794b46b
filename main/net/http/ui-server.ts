import fs from 'node:fs';
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import { acknowledged } from '../../api/common.js';
import { health, serviceStatus, sessionBody } from '../../api/station.js';
import type { StationContext } from '../../context.js';
import { maskUrl } from '../../log/logger.js';
import { TOKEN_COOKIE, tokenMatches } from './auth.js';
import { route, trackRoutes } from './contract.js';
import { installErrorHandler, sendError } from './errors.js';
import { openApiDocument } from './openapi.js';
import { streamEvents } from './sse.js';
import { installRequestDeadlines } from './timeouts.js';
import { installBrowserChecks, installTokenGate, registerPublicStatic } from './ui-guard.js';

export type UiRoutes<C = StationContext> = (app: FastifyInstance, ctx: C) => void | Promise<void>;

/**
 * What the UI listener itself reads. A station passes its whole context; the headless shop
 * view (`prepstation shop serve`, no SQLite, no bench) passes just these, and gets the same
 * guarded server: token gate, host and origin checks, login, event stream, static UI.
 */
export type UiServerContext = Pick<
  StationContext,
  'logger' | 'uiToken' | 'version' | 'services' | 'bus'
> & { options: Pick<StationContext['options'], 'uiHost'>; paths: { rendererDir: string } };

/**
 * The UI listener: the built renderer and /api/v1, on loopback by default. Every route but
 * the short public list (the UI's static files, /api/v1/health, the login) needs the token
 * (Authorization: Bearer T, or the cookie set when the page was opened with ?token=T).
 */
export async function createUiServer<C extends UiServerContext = StationContext>(
  ctx: C,
  extraRoutes: UiRoutes<C>[] = [],
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ svc: 'ui' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: false,
  });
  // Before any route: a route takes the error handler of its scope when it is added, and
  // the OpenAPI document lists what the onRoute hook saw.
  installErrorHandler(app, 'UI API');
  const registered = trackRoutes(app);
  installRequestDeadlines(app);
  await app.register(fastifyCookie);
  // JSON APIs take application/json only: a page can send text/plain cross-site without a
  // CORS preflight, so accepting it made every JSON route a target (issue 13 item 3).
  app.removeContentTypeParser('text/plain');
  installBrowserChecks(app, ctx);

  // Opening the dashboard link (?token=T) sets an HttpOnly cookie and drops the token from
  // the URL. It runs before the token gate, so the link works for any page of the UI.
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET') return;
    const q = req.query as Record<string, unknown>;
    if (typeof q.token !== 'string' || !tokenMatches(q.token, ctx.uiToken)) return;
    reply.setCookie(TOKEN_COOKIE, q.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
    });
    const u = new URL(req.routeOptions.url ? req.url : '/', 'http://x');
    u.searchParams.delete('token');
    return reply.redirect(u.pathname.startsWith('//') ? '/' : u.pathname + u.search, 303);
  });
  installTokenGate(app, ctx);

  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/health',
      tag: 'station',
      summary: 'The station answers, and its version (no token needed).',
      public: true,
      reply: health,
    },
    async () => ({ ok: true as const, version: ctx.version }),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/services',
      tag: 'station',
      summary: "Every service's state, address, and what to do when it failed.",
      reply: z.array(serviceStatus),
    },
    async () => ctx.services.list(),
  );
  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/events',
      tag: 'station',
      summary:
        'The live event stream (server-sent events): a JSON array of events per batch; resumes from Last-Event-ID or ?since=N.',
      query: z.object({ since: z.string().optional() }),
      reply: { contentType: 'text/event-stream', description: 'StationEvent[] per data: line' },
    },
    async ({ req, reply }) => {
      streamEvents(ctx.bus, req, reply);
      return reply;
    },
  );
  // The browser login form: a valid token becomes the same HttpOnly cookie as ?token=T.
  route(
    app,
    {
      method: 'POST',
      url: '/api/v1/session',
      tag: 'station',
      summary: 'Log in with the station token: sets the HttpOnly session cookie.',
      public: true,
      body: sessionBody,
      reply: acknowledged,
    },
    async ({ body, reply }) => {
      const given = body.token;
      if (typeof given !== 'string' || !tokenMatches(given, ctx.uiToken)) {
        return sendError(
          reply,
          401,
          'unauthorized',
          'That token is not right. Use the one printed when the station started (also in ui-token in the data folder).',
        );
      }
      reply.setCookie(TOKEN_COOKIE, given, { path: '/', httpOnly: true, sameSite: 'strict' });
      return { ok: true as const };
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/api/v1/session/logout',
      tag: 'station',
      summary: 'Log out: clears the session cookie.',
      reply: acknowledged,
    },
    async ({ reply }) => reply.clearCookie(TOKEN_COOKIE, { path: '/' }).send({ ok: true }),
  );
  // Token-guarded like the rest: it names every route, which is no one else's business.
  let openApi: Record<string, unknown> | null = null;
  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/openapi.json',
      tag: 'station',
      summary: 'This document: the OpenAPI 3.1 description of the UI API, made from its schemas.',
      reply: z.record(z.string(), z.unknown()),
    },
    async () => (openApi ??= openApiDocument(registered(), ctx.version)),
  );

  for (const routes of extraRoutes) await routes(app, ctx);

  const index = path.join(ctx.paths.rendererDir, 'index.html');
  if (fs.existsSync(index)) {
    await registerPublicStatic(app, async (scope) => {
      await scope.register(fastifyStatic, {
        root: ctx.paths.rendererDir,
        wildcard: false,
        index: ['index.html'],
        cacheControl: false,
      });
    });
  } else {
    ctx.logger.warn(
      { rendererDir: ctx.paths.rendererDir },
      'the web UI is not built; run npm run build (the API still works)',
    );
  }

  // The renderer routes by the URL's #hash, so an unknown path is never a page of the UI:
  // it is a 404 (behind the token gate, a 401 without the token).
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found', `No such route: ${req.method} ${maskUrl(req.url)}`),
  );
  return app;
}
