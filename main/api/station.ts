import { z } from 'zod';

/** GET /api/v1/health (no token): the station answers and which version it is. */
export const health = z.object({ ok: z.literal(true), version: z.string() });
export type Health = z.infer<typeof health>;

export const serviceState = z.enum(['starting', 'running', 'stopped', 'failed', 'disabled']);
export type ServiceState = z.infer<typeof serviceState>;

export const serviceStatus = z.object({
  /** Stable id: ui, bench-http, tftp, dhcp, proxydhcp, ... */
  name: z.string(),
  /** What a technician calls it. */
  label: z.string(),
  state: serviceState,
  /** Where it listens, e.g. "127.0.0.1:7780" or "udp 0.0.0.0:69". */
  address: z.string().nullable(),
  /** Why it failed or is disabled, in words. */
  error: z.string().nullable(),
  /** What to do about it. */
  fix: z.string().nullable(),
  /** ISO time of the last state change. */
  since: z.string(),
});
export type ServiceStatus = z.infer<typeof serviceStatus>;

/**
 * POST /api/v1/session: the browser login form. Anything that is not a token string is a
 * wrong token (401), never a 400, so `catch` turns a malformed body into "no token".
 */
export const sessionBody = z.object({ token: z.string().optional() }).catch({});
