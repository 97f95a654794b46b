import type { MachineState, MachineSummary } from '../../api/contract.js';

/**
 * The shop view's part of the UI contract (issue 20): what GET /api/v1/shop/* answer and
 * what the `shop` event on the one event stream carries. The renderer imports it with
 * `import type` only, like main/api/contract.ts.
 */

/** A station as the shop sees it, from shop_stations (written by each station's shipper). */
export interface ShopStation {
  id: string;
  name: string;
  bench: string | null;
  /** Events the station holds that PostgreSQL does not have yet (its outbox). */
  backlog: number;
  /** The last seq the shop has from it. */
  lastSeq: number;
  /** ISO time of its last word to the database (a shipped chunk or a heartbeat). */
  lastSeen: string | null;
  /** Its last word is recent enough (OFFLINE_AFTER_MS); else the row says "offline since". */
  online: boolean;
  /** What the station reported as its own shipping problem (a gap, say), else null. */
  problem: string | null;
}

/** One machine of one station: the row of the shop table. */
export interface ShopMachine {
  stationId: string;
  stationName: string;
  bench: string | null;
  machineId: string;
  state: MachineState;
  /** The station's own dashboard row, as it was shipped (the station is the authority). */
  summary: MachineSummary;
  /** The seq of the station's event that last changed it. */
  updatedSeq: number;
}

/** The shop view's own health: whether it reads PostgreSQL now, and why not. */
export interface ShopStatus {
  /** station: a station's UI with --shop-view; shop-only: `prepstation shop serve`. */
  mode: 'station' | 'shop-only';
  connected: boolean;
  /** ISO time the view lost the database (null while connected). */
  lostAt: string | null;
  error: string | null;
  /** The database, with its password masked. */
  database: string;
}

export interface ShopSnapshot {
  status: ShopStatus;
  stations: ShopStation[];
  machines: ShopMachine[];
}

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
