import type { FastifyReply } from 'fastify';
import type { ApiError } from '../../api/contract.js';

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
