import { z } from 'zod';

/** The UI API of the kept boot log: schemas and types. */

export const bootProtocol = z.enum(['dhcp', 'proxydhcp', 'tftp', 'http']);
export type BootProtocol = z.infer<typeof bootProtocol>;

/** A boot log line kept by the station (GET /api/v1/boot-log). */
export const storedBootEvent = z.object({
  id: z.number(),
  /** ISO time. */
  at: z.string(),
  protocol: bootProtocol,
  mac: z.string().nullable(),
  client: z.string(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type StoredBootEvent = z.infer<typeof storedBootEvent>;

/** One page of the kept boot log, newest first; `before` asks for the next older page. */
export const bootLogPage = z.object({
  events: z.array(storedBootEvent),
  before: z.number().nullable(),
});
export type BootLogPage = z.infer<typeof bootLogPage>;

/** GET /api/v1/boot-log?mac=&protocol=&client=&before=&limit= */
export const bootLogQuery = z.object({
  mac: z.string().max(40).optional(),
  protocol: bootProtocol.optional(),
  client: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
