import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiError } from '../../api/contract.js';
import { maskUrl } from '../../log/logger.js';

/** Sends `{ ok: false, error }` with the given status; every API error has this shape. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: unknown,
): FastifyReply {
  const error: ApiError = details === undefined ? { code, message } : { code, message, details };
  return reply.code(status).type('application/json').send({ ok: false, error });
}

/**
 * Every uncaught route error as the same `{ ok: false, error }` body: a 4xx says what was
 * wrong with the request; a 5xx is logged in full and says only to look at the log.
 */
export function installErrorHandler(app: FastifyInstance, what: string): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, url: maskUrl(req.url) }, `${what} error`);
    return sendError(
      reply,
      status,
      status >= 500 ? 'internal' : (err.code ?? 'bad_request').toLowerCase(),
      status >= 500 ? 'The station hit an error; see its log.' : err.message,
    );
  });
}
