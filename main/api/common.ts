import { z } from 'zod';

/** `:id` of a route: a machine, batch, medium, package, profile... */
export const idParams = z.object({ id: z.string() });

/** `:name` of a route: a secret. */
export const nameParams = z.object({ name: z.string() });

/** A plain acknowledgement: the login, the logout, a closed terminal, a deleted rule. */
export const acknowledged = z.object({ ok: z.literal(true) });

/** `{ id }` of what a DELETE removed. */
export const removed = z.object({ id: z.string() });
