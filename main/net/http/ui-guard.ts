import net from 'node:net';
import os from 'node:os';
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

/** What the browser checks read: the UI listener's own host name. */
export type UiHostContext = { options: Pick<StationContext['options'], 'uiHost'> };

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
 * Warnings about refused requests, at most `perWindow` per client address per window: a
 * flood of refused requests must not become a flood of log lines (the logging costs more
 * than the refusal). What was left out is counted in the next line that goes out.
 */
export function refusalLogger(perWindow = 20, windowMs = 10_000, maxClients = 1024) {
  const byIp = new Map<string, { start: number; count: number; dropped: number }>();
  return (req: FastifyRequest, fields: Record<string, unknown>, msg: string): void => {
    const ip = req.ip ?? 'unknown';
    const now = Date.now();
    let e = byIp.get(ip);
    if (!e || now - e.start > windowMs) {
      const dropped = e?.dropped ?? 0;
      e = { start: now, count: 0, dropped };
      byIp.delete(ip);
      byIp.set(ip, e);
      if (byIp.size > maxClients) byIp.delete(byIp.keys().next().value!);
    }
    if (e.count >= perWindow) {
      e.dropped++;
      return;
    }
    e.count++;
    const extra = e.dropped > 0 ? { alsoRefused: e.dropped } : {};
    e.dropped = 0;
    req.log.warn({ ...fields, ip, ...extra }, msg);
  };
}

/**
 * The token gate of the UI listener, as an onRequest hook on the root instance, so it
 * runs for every route of every plugin and for the not-found handler alike.
 */
export function installTokenGate(app: FastifyInstance, ctx: Pick<StationContext, 'uiToken'>): void {
  const warn = refusalLogger();
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (isPublicRequest(req)) return;
    if (tokenMatches(requestToken(req), ctx.uiToken)) return;
    warn(req, { url: maskUrl(req.url) }, 'UI request without a valid token');
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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** host[:port] of a Host header or URL, lower case, brackets kept off IPv6. */
function splitHost(hostPort: string): { host: string; port: string } {
  const v6 = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostPort);
  if (v6) return { host: (v6[1] ?? '').toLowerCase(), port: v6[2] ?? '' };
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0) return { host: hostPort.toLowerCase(), port: '' };
  return { host: hostPort.slice(0, colon).toLowerCase(), port: hostPort.slice(colon + 1) };
}

function isIpLiteral(host: string): boolean {
  return net.isIP(host) !== 0;
}

/**
 * Names a browser may use for this listener. A DNS-rebinding page reaches 127.0.0.1 under
 * its own domain name, so besides IP literals only names this machine answers to pass:
 * localhost, the configured --ui-host and the machine's own host name.
 */
export function hostAllowed(hostHeader: string | undefined, uiHost: string): boolean {
  if (!hostHeader || hostHeader.length > 300) return false;
  const { host } = splitHost(hostHeader.trim());
  if (isIpLiteral(host)) return true;
  const names = new Set(['localhost', uiHost.toLowerCase(), os.hostname().toLowerCase()]);
  return names.has(host) || names.has(host.replace(/\.$/, ''));
}

/**
 * Whether a state-changing request comes from this listener's own pages. Browsers send
 * Origin on every non-GET request; it must name the host and port the request was sent
 * to (the Host header, already checked). SameSite cookies do not stop a page on another
 * port of 127.0.0.1 (same site), and a no-cors text/plain POST needs no preflight, so
 * this is the check that does (issue 13 item 3). No Origin: not a browser (curl,
 * scripts); the token decides.
 */
export function sameOriginWrite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage alike
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  const target = splitHost((req.headers.host ?? '').trim());
  const defaultPort = u.protocol === 'https:' ? '443' : '80';
  const targetPort = target.port === '' ? '80' : target.port;
  const originHost = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return originHost === target.host && (u.port || defaultPort) === targetPort;
}

/**
 * Browser-facing checks of the UI listener, before the token: the Host header against
 * DNS rebinding on every request, and the Origin of every state-changing one.
 */
export function installBrowserChecks(app: FastifyInstance, ctx: UiHostContext): void {
  const warn = refusalLogger();
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!hostAllowed(req.headers.host, ctx.options.uiHost)) {
      warn(req, { host: req.headers.host?.slice(0, 100) }, 'UI request for a foreign host name');
      return sendError(
        reply,
        421,
        'wrong_host',
        'This station answers only to its own address (an IP, localhost or its host name).',
      );
    }
    if (SAFE_METHODS.has(req.method) || sameOriginWrite(req)) return;
    warn(
      req,
      { origin: req.headers.origin?.slice(0, 200), url: maskUrl(req.url) },
      'state-changing UI request from a foreign page refused',
    );
    return sendError(
      reply,
      403,
      'forbidden_origin',
      'Changes are accepted only from the PrepStation dashboard itself, not from another page.',
    );
  });
}

/**
 * Content types an upload may declare: the file's own type. The types a page can send
 * without a CORS preflight (text/plain, forms) are not among them, nor JSON.
 */
export function isUploadContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';', 1)[0]!.trim().toLowerCase();
  if (!type.startsWith('application/')) return false;
  return !['application/x-www-form-urlencoded', 'application/json'].includes(type);
}
