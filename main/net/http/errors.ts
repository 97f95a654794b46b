import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../../api/contract.js';
import { DomainError } from '../../api/domain-error.js';
import { maskUrl } from '../../log/logger.js';

/**
 * Sends `{ ok: false, error }` with the given status: the one error reply of the UI API
 * (and of the agent API, whose agents in the field parse the same shape).
 */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: unknown,
  fix?: string,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json')
    .send({ ok: false, error: apiError(code, message, details, fix) });
}

/** The `error` of an error reply; optional members only when there is something to say. */
export function apiError(code: string, message: string, details?: unknown, fix?: string): ApiError {
  return {
    code,
    message,
    ...(fix !== undefined ? { fix } : {}),
    ...(details !== undefined ? { details } : {}),
  };
}

/** Fastify's own request errors, said so a technician (or a script's author) can act. */
export const requestErrors: Readonly<Record<number, { code: string; message: string }>> = {
  413: { code: 'body_too_large', message: 'The request body is larger than this route takes.' },
  415: {
    code: 'unsupported_media_type',
    message:
      "Send Content-Type: application/json (an upload: the file's own type, such as application/octet-stream).",
  },
};

type AnyError = Error & {
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  details?: unknown;
  fix?: unknown;
};

/**
 * A domain error: a DomainError (any status it names), or an error of the older domain
 * classes shaped like one (MachineError, TerminalError, MediaImportError: a string `code`
 * and a 4xx `status`). Fastify's own errors (FST_*) are not.
 */
function domainError(
  err: AnyError,
): { status: number; code: string; details?: unknown; fix?: string } | null {
  const fix = typeof err.fix === 'string' ? err.fix : undefined;
  if (err instanceof DomainError) {
    const status = err.status >= 400 && err.status <= 599 ? err.status : 500;
    return { status, code: err.code, details: err.details, fix };
  }
  if (typeof err.status !== 'number' || typeof err.code !== 'string') return null;
  if (err.status < 400 || err.status > 499 || err.code.startsWith('FST_')) return null;
  return { status: err.status, code: err.code, details: err.details, fix };
}

export interface ErrorReply {
  status: number;
  error: ApiError;
  /** A 5xx that is not a domain error: logged in full, its text never sent. */
  internal: boolean;
}

/**
 * What an uncaught route error answers (pure, so one table test covers it): a domain
 * error's own code, status, message and fix; a request Fastify refused (bad JSON, too
 * large, wrong type) says what was wrong; anything else is a 500 that says only to look
 * at the log, so no internal text (paths, SQL, a secret in a message) reaches the client.
 */
export function errorReplyFor(err: AnyError): ErrorReply {
  const domain = domainError(err);
  if (domain) {
    return {
      status: domain.status,
      error: apiError(domain.code, err.message, domain.details, domain.fix),
      internal: false,
    };
  }
  const sc = typeof err.statusCode === 'number' ? err.statusCode : 0;
  const status = sc >= 400 && sc < 600 ? sc : 500;
  if (status >= 500) {
    return {
      status,
      error: apiError('internal', 'The station hit an error; see its log.'),
      internal: true,
    };
  }
  const known = requestErrors[status];
  if (known) return { status, error: apiError(known.code, known.message), internal: false };
  const code = (typeof err.code === 'string' ? err.code : 'bad_request').toLowerCase();
  return {
    status,
    error: apiError(code.startsWith('fst_') ? 'bad_request' : code, err.message),
    internal: false,
  };
}

/**
 * The error handler of a listener: every uncaught route error as the one
 * `{ ok: false, error }` body (errorReplyFor); a 5xx is logged in full.
 */
export function installErrorHandler(app: FastifyInstance, what: string): void {
  app.setErrorHandler((err: AnyError, req: FastifyRequest, reply: FastifyReply) => {
    const out = errorReplyFor(err);
    // An upload refused before its stream was read: drain it, so the client gets the answer
    // instead of a connection stuck on unread bytes.
    const body = req.body as { pipe?: unknown; resume?: () => void } | undefined;
    if (body && typeof body.pipe === 'function' && typeof body.resume === 'function') {
      body.resume();
    }
    if (out.internal) req.log.error({ err, url: maskUrl(req.url) }, `${what} error`);
    return reply.code(out.status).type('application/json').send({ ok: false, error: out.error });
  });
}
