import type { MachineState, MachineSummary } from '../../api/contract.js';
import type { Pool } from '../pg.js';
import { OFFLINE_AFTER_MS, type ShopMachine, type ShopStation } from './contract.js';

/**
 * The shop read model: named queries over the tables each station's shipper writes
 * (pg-migrations/0001). It never replays events: shop_machines already holds each
 * station's own view of its machines (the station is the authority), so a page of the
 * shop is one indexed SELECT, whatever the length of the event log.
 */
export class ShopReadModel {
  constructor(
    private readonly pool: Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async stations(): Promise<ShopStation[]> {
    const r = await this.pool.query<StationRow>(`${STATION_SELECT} ORDER BY name, id`);
    return r.rows.map((row) => this.station(row));
  }

  /** Every machine of every station (or of one), the station's name beside each. */
  async machines(filter: { station?: string } = {}): Promise<ShopMachine[]> {
    const where = filter.station ? 'WHERE m.station_id = $1' : '';
    const r = await this.pool.query<MachineRow>(
      `${MACHINE_SELECT} ${where} ORDER BY s.name, m.station_id, m.updated_seq DESC`,
      filter.station ? [filter.station] : [],
    );
    return r.rows.map(machineOf);
  }

  /**
   * What a NOTIFY about seqs fromSeq..toSeq of one station changed: the current row of every
   * machine those events name (one indexed range scan of the primary key), and the machines
   * they name that have no row any more (forgotten on the station). One round trip.
   */
  async machinesChanged(
    stationId: string,
    fromSeq: number,
    toSeq: number,
  ): Promise<{ machines: ShopMachine[]; removed: string[] }> {
    const r = await this.pool.query<MachineRow & { touched: string }>(
      `WITH touched AS (
         SELECT DISTINCT machine_id FROM shop_events
          WHERE station_id = $1 AND seq BETWEEN $2 AND $3)
       SELECT t.machine_id AS touched, m.station_id, s.name AS station_name, s.bench,
              m.machine_id, m.state, m.summary, m.updated_seq
         FROM touched t
         LEFT JOIN shop_machines m ON m.station_id = $1 AND m.machine_id = t.machine_id
         LEFT JOIN shop_stations s ON s.id = m.station_id
        ORDER BY m.updated_seq`,
      [stationId, fromSeq, toSeq],
    );
    const machines: ShopMachine[] = [];
    const removed: string[] = [];
    for (const row of r.rows) {
      if (row.machine_id === null) removed.push(row.touched);
      else machines.push(machineOf(row));
    }
    return { machines, removed };
  }

  /** Rows of machines a station dropped outside a chunk (a forgotten machine): those still here. */
  async present(stationId: string, machineIds: string[]): Promise<Set<string>> {
    const r = await this.pool.query<{ machine_id: string }>(
      'SELECT machine_id FROM shop_machines WHERE station_id = $1 AND machine_id = ANY($2::text[])',
      [stationId, machineIds],
    );
    return new Set(r.rows.map((x) => x.machine_id));
  }

  private station(r: StationRow): ShopStation {
    const lastSeen = r.last_seen ? new Date(r.last_seen) : null;
    const online =
      lastSeen !== null && this.now().getTime() - lastSeen.getTime() < OFFLINE_AFTER_MS;
    return {
      id: r.id,
      name: r.name,
      bench: r.bench,
      backlog: Number(r.backlog),
      lastSeq: Number(r.last_seq),
      lastSeen: lastSeen?.toISOString() ?? null,
      online,
      problem:
        r.gap_from !== null
          ? `events ${r.gap_from}-${r.gap_to} of this station never reached the shop database (gap seen ${new Date(r.gap_at!).toISOString()}); see the station's log`
          : null,
    };
  }
}

const STATION_SELECT = `SELECT id, name, bench, backlog, last_seq, last_seen, gap_from, gap_to, gap_at
  FROM shop_stations`;

const MACHINE_SELECT = `SELECT m.station_id, s.name AS station_name, s.bench, m.machine_id,
    m.state, m.summary, m.updated_seq
  FROM shop_machines m JOIN shop_stations s ON s.id = m.station_id`;

function machineOf(r: MachineRow): ShopMachine {
  return {
    stationId: r.station_id,
    stationName: r.station_name,
    bench: r.bench,
    machineId: r.machine_id,
    state: r.state as MachineState,
    summary: r.summary,
    updatedSeq: Number(r.updated_seq),
  };
}

/** bigint columns arrive as strings from `pg` (they may pass 2^53); Number() is fine here. */
interface StationRow {
  id: string;
  name: string;
  bench: string | null;
  backlog: string;
  last_seq: string;
  last_seen: Date | null;
  gap_from: string | null;
  gap_to: string | null;
  gap_at: Date | null;
}

interface MachineRow {
  station_id: string;
  station_name: string;
  bench: string | null;
  machine_id: string;
  state: string;
  summary: MachineSummary;
  updated_seq: string;
}
