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

/** Fastify's own request errors, said so a technician (or a script's author) can act. */
const requestErrors: Record<number, { code: string; message: string }> = {
  413: { code: 'body_too_large', message: 'The request body is larger than this route takes.' },
  415: {
    code: 'unsupported_media_type',
    message:
      "Send Content-Type: application/json (an upload: the file's own type, such as application/octet-stream).",
  },
};

/**
 * A domain error (MachineError and its kind: `code`, a 4xx `status`, optional `details`)
 * thrown by a route: its own code and message reach the client.
 */
function domainError(
  err: Error & { status?: unknown; code?: unknown; details?: unknown },
): { status: number; code: string; details?: unknown } | null {
  if (typeof err.status !== 'number' || typeof err.code !== 'string') return null;
  if (err.status < 400 || err.status > 499 || err.code.startsWith('FST_')) return null;
  return { status: err.status, code: err.code, details: err.details };
}

/**
 * Every uncaught route error as the same `{ ok: false, error }` body: a 4xx says what was
 * wrong with the request; a 5xx is logged in full and says only to look at the log.
 */
export function installErrorHandler(app: FastifyInstance, what: string): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const domain = domainError(err);
    if (domain) return sendError(reply, domain.status, domain.code, err.message, domain.details);
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err, url: maskUrl(req.url) }, `${what} error`);
      return sendError(reply, status, 'internal', 'The station hit an error; see its log.');
    }
    const known = requestErrors[status];
    if (known) return sendError(reply, status, known.code, known.message);
    const code = (err.code ?? 'bad_request').toLowerCase();
    return sendError(reply, status, code.startsWith('fst_') ? 'bad_request' : code, err.message);
  });
}
