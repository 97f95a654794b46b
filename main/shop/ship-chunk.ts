/**
 * The statements one shipped chunk is made of, each chunk one PostgreSQL transaction:
 * the events (a resend is absorbed by the (station_id, seq) key), the station's own current
 * view of every machine they touch, the station row (last_seq, backlog) and a NOTIFY for
 * the shop view, which PostgreSQL delivers only when the transaction commits.
 */
import type { MachineSummary } from '../api/contract.js';
import type { OutboxEvent } from './outbox.js';
import type { PoolClient } from './pg.js';
import { SHOP_EVENTS_CHANNEL, type ShopNotifyPayload } from './types.js';

export interface StationRow {
  id: string;
  name: string;
  bench: string | null;
  version: string;
}

export type ChunkOutcome =
  | { kind: 'shipped'; fromSeq: number; toSeq: number; inserted: number; resent: number }
  /** The database lacks seqs fromSeq..toSeq, which should have come before this chunk. */
  | { kind: 'gap'; fromSeq: number; toSeq: number }
  /** The database holds a different event under one of this chunk's seqs. */
  | { kind: 'conflict'; seq: number; theirs: string; ours: string };

/** Adds or renames the station; returns the highest seq the database has from it. */
export async function registerStation(
  client: PoolClient,
  s: StationRow,
  backlog: number,
): Promise<number> {
  const r = await client.query<{ last_seq: string }>(
    `INSERT INTO shop_stations (id, name, bench, version, backlog, last_seen)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, bench = excluded.bench,
       version = excluded.version, backlog = excluded.backlog, last_seen = now()
     RETURNING last_seq`,
    [s.id, s.name, s.bench, s.version, backlog],
  );
  return Number(r.rows[0]!.last_seq);
}

/** Idle word from the station: the shop view tells a quiet station from a lost one. */
export async function heartbeat(client: PoolClient, stationId: string, backlog: number) {
  await client.query('UPDATE shop_stations SET backlog = $2, last_seen = now() WHERE id = $1', [
    stationId,
    backlog,
  ]);
}

/** Machines forgotten on the station leave the shop's projection too (their events stay). */
export async function dropMachines(client: PoolClient, stationId: string, ids: string[]) {
  await client.query(
    'DELETE FROM shop_machines WHERE station_id = $1 AND machine_id = ANY($2::text[])',
    [stationId, ids],
  );
}

export async function recordGap(client: PoolClient, stationId: string, from: number, to: number) {
  await client.query(
    'UPDATE shop_stations SET gap_from = $2, gap_to = $3, gap_at = now() WHERE id = $1',
    [stationId, from, to],
  );
}

/**
 * Ships `events` (contiguous, in seq order) in one transaction. `views` holds the station's
 * current summary of every machine they touch (null: forgotten there, so gone here too).
 */
export async function shipChunk(
  client: PoolClient,
  station: StationRow,
  events: OutboxEvent[],
  views: Map<string, MachineSummary | null>,
  backlogAfter: number,
): Promise<ChunkOutcome> {
  const fromSeq = events[0]!.seq;
  const toSeq = events.at(-1)!.seq;
  await client.query('BEGIN');
  try {
    // FOR UPDATE: a second process shipping as this station waits here, then sees our seqs.
    const cur = await client.query<{ last_seq: string }>(
      'SELECT last_seq FROM shop_stations WHERE id = $1 FOR UPDATE',
      [station.id],
    );
    const lastSeq = Number(cur.rows[0]?.last_seq ?? 0);
    if (fromSeq > lastSeq + 1) {
      await client.query('ROLLBACK');
      return { kind: 'gap', fromSeq: lastSeq + 1, toSeq: fromSeq - 1 };
    }
    const ins = await client.query<{ seq: string }>(
      `INSERT INTO shop_events (station_id, seq, machine_id, at, deployment, kind, data)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::int[],
                                $6::text[], $7::jsonb[])
       ON CONFLICT DO NOTHING RETURNING seq`,
      [
        station.id,
        events.map((e) => e.seq),
        events.map((e) => e.machineId),
        events.map((e) => e.at),
        events.map((e) => e.deployment),
        events.map((e) => e.kind),
        events.map((e) => e.data),
      ],
    );
    const inserted = new Set(ins.rows.map((r) => Number(r.seq)));
    const resent = events.filter((e) => !inserted.has(e.seq));
    const conflict = await firstConflict(client, station.id, resent);
    if (conflict) {
      await client.query('ROLLBACK');
      return conflict;
    }
    await upsertMachines(client, station.id, events, views);
    await client.query(
      `UPDATE shop_stations SET last_seq = GREATEST(last_seq, $2), backlog = $3, last_seen = now(),
         last_shipped_at = now(), name = $4, bench = $5, version = $6
       WHERE id = $1`,
      [station.id, toSeq, backlogAfter, station.name, station.bench, station.version],
    );
    const payload: ShopNotifyPayload = {
      station: station.id,
      fromSeq,
      toSeq,
      backlog: backlogAfter,
    };
    await client.query('SELECT pg_notify($1, $2)', [SHOP_EVENTS_CHANNEL, JSON.stringify(payload)]);
    await client.query('COMMIT');
    return { kind: 'shipped', fromSeq, toSeq, inserted: inserted.size, resent: resent.length };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * A resend must be the very event the database already has. Anything else means two
 * stations ship under one id (a copied data dir) or this station's database was put back
 * from an older copy: absorbing it would silently keep the wrong history.
 */
async function firstConflict(
  client: PoolClient,
  stationId: string,
  resent: OutboxEvent[],
): Promise<ChunkOutcome | null> {
  if (resent.length === 0) return null;
  const r = await client.query<{ seq: string; machine_id: string; kind: string; at: Date }>(
    'SELECT seq, machine_id, kind, at FROM shop_events WHERE station_id = $1 AND seq = ANY($2::bigint[])',
    [stationId, resent.map((e) => e.seq)],
  );
  const theirs = new Map(r.rows.map((row) => [Number(row.seq), row]));
  for (const e of resent) {
    const t = theirs.get(e.seq);
    if (!t) continue;
    const same =
      t.machine_id === e.machineId &&
      t.kind === e.kind &&
      t.at.getTime() === new Date(e.at).getTime();
    if (!same) {
      return {
        kind: 'conflict',
        seq: e.seq,
        theirs: `${t.kind} of machine ${t.machine_id} at ${t.at.toISOString()}`,
        ours: `${e.kind} of machine ${e.machineId} at ${e.at}`,
      };
    }
  }
  return null;
}

async function upsertMachines(
  client: PoolClient,
  stationId: string,
  events: OutboxEvent[],
  views: Map<string, MachineSummary | null>,
): Promise<void> {
  const lastSeqOf = new Map<string, number>();
  for (const e of events) lastSeqOf.set(e.machineId, e.seq);
  const live: [string, MachineSummary][] = [];
  const gone: string[] = [];
  for (const id of lastSeqOf.keys()) {
    const v = views.get(id);
    if (v) live.push([id, v]);
    else gone.push(id);
  }
  if (gone.length > 0) await dropMachines(client, stationId, gone);
  if (live.length === 0) return;
  const col = <T>(f: (v: MachineSummary, id: string) => T): T[] => live.map(([id, v]) => f(v, id));
  await client.query(
    `INSERT INTO shop_machines AS m (station_id, machine_id, mac, name, state, profile, batch,
       step, steps_done, steps_total, progress, summary, updated_seq)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::text[], $8::text[], $9::int[], $10::int[], $11::int[], $12::jsonb[], $13::bigint[])
     ON CONFLICT (station_id, machine_id) DO UPDATE SET mac = excluded.mac, name = excluded.name,
       state = excluded.state, profile = excluded.profile, batch = excluded.batch,
       step = excluded.step, steps_done = excluded.steps_done, steps_total = excluded.steps_total,
       progress = excluded.progress, summary = excluded.summary,
       updated_seq = excluded.updated_seq, updated_at = now()
     WHERE m.updated_seq <= excluded.updated_seq`,
    [
      stationId,
      col((_v, id) => id),
      col((v) => v.macs[0] ?? null),
      col((v) => v.name),
      col((v) => v.state),
      col((v) => v.profile),
      col((v) => v.batch),
      col((v) => v.step),
      col((v) => v.stepsDone),
      col((v) => v.stepsTotal),
      col((v) => v.progress),
      col((v) => JSON.stringify(v)),
      col((_v, id) => lastSeqOf.get(id)!),
    ],
  );
}
