import { z } from 'zod';
import { machineState, machineSummary } from '../../api/machines.js';
import { reportQuery } from '../../api/reports.js';

/**
 * The shop view's part of the UI contract (issue 20): the schemas of what GET /api/v1/shop/*
 * answer (they type the routes and make their OpenAPI entries) and the `shop` event on the
 * one event stream. The renderer imports the types with `import type` only.
 */

/** A station as the shop sees it, from shop_stations (written by each station's shipper). */
export const shopStation = z.object({
  id: z.string(),
  name: z.string(),
  bench: z.string().nullable(),
  /** Events the station holds that PostgreSQL does not have yet (its outbox). */
  backlog: z.number().int(),
  /** The last seq the shop has from it. */
  lastSeq: z.number().int(),
  /** ISO time of its last word to the database (a shipped chunk or a heartbeat). */
  lastSeen: z.string().nullable(),
  /** Its last word is recent enough (OFFLINE_AFTER_MS); else the page says "offline since". */
  online: z.boolean(),
  /** A shipping problem the station recorded there (a gap), else null. */
  problem: z.string().nullable(),
});
export type ShopStation = z.infer<typeof shopStation>;

/** One machine of one station: the row of the shop table. */
export const shopMachine = z.object({
  stationId: z.string(),
  stationName: z.string(),
  bench: z.string().nullable(),
  machineId: z.string(),
  state: machineState,
  /** The station's own dashboard row, as it was shipped (the station is the authority). */
  summary: machineSummary,
  /** The seq of the station's event that last changed it. */
  updatedSeq: z.number().int(),
});
export type ShopMachine = z.infer<typeof shopMachine>;

/** The shop view's own health: whether it reads PostgreSQL now, and why not. */
export const shopStatus = z.object({
  /** station: a station's UI with --shop-view; shop-only: `prepstation shop serve`. */
  mode: z.enum(['station', 'shop-only']),
  connected: z.boolean(),
  /** ISO time the view lost the database (null while connected). */
  lostAt: z.string().nullable(),
  error: z.string().nullable(),
  /** The database, with its password masked. */
  database: z.string(),
});
export type ShopStatus = z.infer<typeof shopStatus>;

/** GET /api/v1/shop: what the page starts from; `shop` events keep it current. */
export const shopSnapshot = z.object({
  status: shopStatus,
  stations: z.array(shopStation),
  machines: z.array(shopMachine),
});
export type ShopSnapshot = z.infer<typeof shopSnapshot>;

const name = z.string().min(1).max(200);
const isoTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO time, e.g. 2026-12-03T08:00:00Z',
});

/** GET /api/v1/shop/reports: a station's report options, plus which machines of the shop. */
export const shopReportQuery = reportQuery.extend({
  /** A station by its id or its name. */
  station: name.optional(),
  batch: name.optional(),
  profile: name.optional(),
  /** Machines whose last shipped word is in this period. */
  from: isoTime.optional(),
  to: isoTime.optional(),
});
export type ShopReportQuery = z.input<typeof shopReportQuery>;

export const shopMachineParams = z.object({
  station: z.string().min(1),
  machine: z.string().min(1),
});

/**
 * Pushed on the event stream when PostgreSQL says something changed (LISTEN/NOTIFY):
 * the machines and stations it touched, whole, so the page replaces rows. `reload` means
 * the view was away from the database (events may have been missed): fetch the snapshot.
 */
export interface ShopEvent {
  seq: number;
  at: string;
  type: 'shop';
  status: ShopStatus;
  stations: ShopStation[];
  machines: ShopMachine[];
  /** Machines the station forgot (its technician removed them): the rows go. */
  removed: { stationId: string; machineId: string }[];
  reload: boolean;
}

/** Milliseconds without a word after which a station shows as offline (3 missed heartbeats). */
export const OFFLINE_AFTER_MS = 30_000;
