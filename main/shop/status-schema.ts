import { z } from 'zod';

/**
 * GET /api/v1/shop/status, for the contract and the OpenAPI document. The handler returns a
 * ShopShipStatus (types.ts), which route() checks against this schema at compile time.
 */
export const shopShipStatus = z.object({
  enabled: z.boolean().describe('false: no --database; the station stands alone'),
  stationId: z.string().describe('settings station.id, made once on the first start'),
  stationName: z.string(),
  database: z.string().nullable().describe('the database URL with its password masked'),
  connected: z.boolean(),
  backlog: z.number().int().describe('machine events in the outbox, not yet in the shop database'),
  lastShippedSeq: z.number().int().nullable(),
  lastShippedAt: z.string().nullable(),
  lastError: z.string().nullable().describe('the last failure, with what to do'),
  lastErrorAt: z.string().nullable(),
  gap: z
    .object({
      fromSeq: z.number().int(),
      toSeq: z.number().int(),
      at: z.string(),
      repaired: z.boolean(),
    })
    .nullable()
    .describe('the last gap found in the shop database, and whether it was refilled'),
});
