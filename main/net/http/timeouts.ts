import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A request body that may take long (an installer upload): no overall deadline, only
     * the minimum rate. Everything else must arrive within bodyDeadlineMs.
     */
    longBody?: boolean;
  }
}

export interface RequestDeadlines {
  /** The request line and headers: a connection that sends none is closed after this. */
  headersMs: number;
  /** A whole request body (agent reports, JSON): far more than a LAN needs. */
  bodyMs: number;
  /** How often an unfinished body is looked at. */
  checkMs: number;
  /** Bytes an unfinished body must bring per check: less is a trickle, and it is cut. */
  minBytesPerCheck: number;
}

export const defaultDeadlines: RequestDeadlines = {
  headersMs: 10_000,
  bodyMs: 30_000,
  checkMs: 2_000,
  minBytesPerCheck: 4096,
};

/**
 * Body and header deadlines for one listener (issue 13 item 8): thousands of POSTs
 * trickling a byte at a time held sockets and memory on the bench listener for ever,
 * because Fastify turns Node's request timeout off and the bench turns the idle timeout
 * off (a long /files download must not be cut). So the limits apply to receiving a
 * request only: its headers within headersMs, its body within bodyMs (uploads: no total,
 * but never slower than minBytesPerCheck per checkMs). Sending a response, however long,
 * is never cut here. Watched by polling the socket's byte count, so the body stream is
 * never touched.
 */
export function installRequestDeadlines(
  app: FastifyInstance,
  deadlines: RequestDeadlines = defaultDeadlines,
): void {
  // Node closes a connection whose headers have not all arrived by then (it checks every
  // connectionsCheckingInterval, 30 s by default: the station sets it lower below).
  app.server.headersTimeout = deadlines.headersMs;
  app.server.requestTimeout = 0;
  app.addHook('onRequest', async (req) => {
    if (!expectsBody(req) || req.raw.complete) return;
    watchBody(req, deadlines);
  });
}

function expectsBody(req: FastifyRequest): boolean {
  const h = req.headers;
  if (h['transfer-encoding'] !== undefined) return true;
  const n = Number(h['content-length'] ?? 0);
  return Number.isFinite(n) && n > 0;
}

function watchBody(req: FastifyRequest, d: RequestDeadlines): void {
  const socket = req.raw.socket;
  if (!socket) return;
  const started = Date.now();
  const long = req.routeOptions.config?.longBody === true;
  let last = socket.bytesRead;
  const timer = setInterval(() => {
    if (req.raw.complete || socket.destroyed) {
      clearInterval(timer);
      return;
    }
    const now = socket.bytesRead;
    const tooSlow = now - last < d.minBytesPerCheck;
    const tooLong = !long && Date.now() - started > d.bodyMs;
    last = now;
    if (!tooSlow && !tooLong) return;
    clearInterval(timer);
    req.log.warn(
      { ip: req.ip, method: req.method, bytes: now, ms: Date.now() - started, tooSlow, tooLong },
      'request body cut: it arrived too slowly',
    );
    // Nothing useful can be sent while the client is still sending: close the socket.
    socket.destroy();
  }, d.checkMs);
  timer.unref();
  req.raw.once('close', () => clearInterval(timer));
}
