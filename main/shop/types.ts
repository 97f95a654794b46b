/**
 * The shop PostgreSQL's rows (pg-migrations/0001) as the shipper writes them and the shop
 * view reads them, the NOTIFY channel between the two, and the station's shipping status.
 * Type-only: importing it loads nothing.
 */
import type { MachineState, MachineSummary } from '../api/contract.js';

/** shop_stations: one row per station that ever shipped. */
export interface ShopStationRow {
  /** settings `station.id`: a uuid made once, on the station's first start. */
  id: string;
  /** option stationName (default: the host name). */
  name: string;
  bench: string | null;
  version: string | null;
  /** Highest seq shipped (machine_events.id on the station); 0 before the first. */
  lastSeq: number;
  /** Events waiting in the station's outbox when it last had word with the database. */
  backlog: number;
  lastSeen: string | null;
  lastShippedAt: string | null;
  /** The last gap seen: seqs gapFrom..gapTo never arrived (null: none ever). */
  gapFrom: number | null;
  gapTo: number | null;
  gapAt: string | null;
}

/** shop_events: the station's machine_events, keyed by (stationId, seq). */
export interface ShopEventRow {
  stationId: string;
  /** The station's machine_events.id: contiguous per station, so a hole is a gap. */
  seq: number;
  machineId: string;
  at: string;
  deployment: number;
  kind: string;
  /** The station's EntryData (main/machines/types.ts), as stored there. */
  data: unknown;
}

/** shop_machines: the station's own current view of each machine (no replay needed). */
export interface ShopMachineRow {
  stationId: string;
  machineId: string;
  /** The first MAC, for lists and search. */
  mac: string | null;
  name: string | null;
  state: MachineState;
  profile: string | null;
  batch: string | null;
  step: string | null;
  stepsDone: number;
  stepsTotal: number;
  progress: number;
  summary: MachineSummary;
  /** seq of the last event shipped about this machine. */
  updatedSeq: number;
  updatedAt: string;
}

/** The channel the shipper NOTIFYs after each committed chunk; the shop view LISTENs. */
export const SHOP_EVENTS_CHANNEL = 'prepstation_shop_events';

/** NOTIFY payload (JSON): which station's seqs fromSeq..toSeq just landed. */
export interface ShopNotifyPayload {
  station: string;
  fromSeq: number;
  toSeq: number;
  /** The station's outbox backlog after this chunk. */
  backlog: number;
}

/** GET /api/v1/shop/status on a station: how its shipping to the shop database goes. */
export interface ShopShipStatus {
  /** false: no --database; the station stands alone and the rest is empty. */
  enabled: boolean;
  stationId: string;
  stationName: string;
  /** The database URL with the password masked; null when not enabled. */
  database: string | null;
  connected: boolean;
  /** Events in the outbox, not yet in the shop database. */
  backlog: number;
  lastShippedSeq: number | null;
  lastShippedAt: string | null;
  /** The last failure (connection, migration, gap), with what to do; null once shipping works. */
  lastError: string | null;
  lastErrorAt: string | null;
  /** The last gap detected, if any: seqs that the database was missing. */
  gap: { fromSeq: number; toSeq: number; at: string; repaired: boolean } | null;
}
