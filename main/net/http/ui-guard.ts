import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StationContext } from '../../context.js';
import { maskUrl } from '../../log/logger.js';
import { TOKEN_COOKIE, bearer, tokenMatches } from './auth.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without the UI token: the UI's static files, health, the login. */
    public?: boolean;
  }
}

/** The route option that puts a route on the short list of what needs no token. */
export const publicRoute = { config: { public: true } } as const;

/**
 * Whether a request may go on without the token. Decided on the route the router MATCHED
 * (it decodes %XX, takes absolute-form request lines apart and ignores the query), never
 * on the raw URL: `/%61pi/v1/secrets` and `GET http://host/api/v1/secrets` reach the same
 * handler as `/api/v1/secrets`, so a prefix test on req.url let them through (issue 13).
 * A request that matched no route needs the token too: the answer is then a 404 for those
 * who have it and a 401 for everyone else, so nothing is learned without it.
 */
export function isPublicRequest(req: FastifyRequest): boolean {
  return req.routeOptions.url !== undefined && req.routeOptions.config?.public === true;
}

/** The token a request carries: Authorization: Bearer T, or the session cookie. */
export function requestToken(req: FastifyRequest): string | undefined {
  return bearer(req.headers.authorization) ?? req.cookies?.[TOKEN_COOKIE];
}

/**
 * The token gate of the UI listener, as an onRequest hook on the root instance, so it
 * runs for every route of every plugin and for the not-found handler alike.
 */
export function installTokenGate(app: FastifyInstance, ctx: StationContext): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (isPublicRequest(req)) return;
    if (tokenMatches(requestToken(req), ctx.uiToken)) return;
    req.log.warn({ url: maskUrl(req.url), ip: req.ip }, 'UI request without a valid token');
    return sendError(
      reply,
      401,
      'unauthorized',
      'This needs the station token: open the dashboard link printed when the station started, or send Authorization: Bearer <token>.',
    );
  });
}

/**
 * Registers the UI's static files so that each of their routes is public: an onRoute hook
 * in their own plugin scope marks exactly the routes @fastify/static adds, nothing else.
 */
export async function registerPublicStatic(
  app: FastifyInstance,
  register: (scope: FastifyInstance) => Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await register(scope);
  });
}
