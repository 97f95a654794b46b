import type { Pool, PoolClient } from 'pg';
import { textHash, unifiedDiff } from '../../profiles/history.js';
import type { ProfileConflict } from './types.js';

/**
 * Named statements for the shop's profile tables (PostgreSQL migration 0050) and the
 * conflict a refused save reports. The head moves in one statement, guarded by the base.
 */
export interface Head {
  version: number;
  hash: string;
  text: string;
  author: string;
  station: string;
  savedAt: string;
}

type Held = PoolClient & { broken?: Error; onLinkError?: (err: Error) => void };

/**
 * A client held across awaits: pg emits a dropped link on it as an 'error' event, which
 * without a listener would end the station. The listener marks it broken, and a broken
 * client is destroyed on release instead of going back to the pool.
 */
export async function checkout(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  const held = client as Held;
  held.onLinkError = (err: Error) => {
    held.broken = err;
  };
  client.on('error', held.onLinkError);
  return client;
}

export function checkin(client: PoolClient): void {
  const held = client as Held;
  if (held.onLinkError) client.removeListener('error', held.onLinkError);
  client.release(held.broken);
}

/**
 * Makes `text` the next version if the head is still `base` (0 or less: only if the shop
 * has no such profile yet; -1 stands for a base the shop cannot know). Returns the new
 * version, or null when someone else moved the head first. Inside the caller's transaction.
 */
export async function moveHead(
  client: PoolClient,
  stationId: string,
  id: string,
  base: number,
  text: string,
  author: string,
): Promise<number | null> {
  const hash = textHash(text);
  const next = base <= 0 ? 1 : base + 1;
  const r =
    base <= 0
      ? await client.query(
          `INSERT INTO shop_profiles (id, head_version, head_hash, updated_by)
           VALUES ($1, 1, $2, $3) ON CONFLICT (id) DO NOTHING`,
          [id, hash, stationId],
        )
      : await client.query(
          `UPDATE shop_profiles SET head_version = $2 + 1, head_hash = $3, updated_at = now(), updated_by = $4
           WHERE id = $1 AND head_version = $2`,
          [id, base, hash, stationId],
        );
  if (r.rowCount !== 1) return null;
  await client.query(
    `INSERT INTO shop_profile_versions (profile_id, version, hash, text, author, station_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, next, hash, text, author, stationId],
  );
  return next;
}

export async function readHead(db: Pool | PoolClient, id: string): Promise<Head | null> {
  const { rows } = await db.query<{
    version: number;
    hash: string;
    text: string;
    author: string;
    station: string;
    saved_at: Date;
  }>(
    `SELECT v.version, v.hash, v.text, v.author, v.station_id AS station, v.saved_at
     FROM shop_profiles p JOIN shop_profile_versions v ON v.profile_id = p.id AND v.version = p.head_version
     WHERE p.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return { ...r, savedAt: new Date(r.saved_at).toISOString() };
}

export async function listHeads(
  pool: Pool,
): Promise<{ id: string; head_version: number; head_hash: string }[]> {
  const { rows } = await pool.query<{ id: string; head_version: number; head_hash: string }>(
    'SELECT id, head_version, head_hash FROM shop_profiles ORDER BY id',
  );
  return rows;
}

/** The newest shared version with this text (an editor names its base by the text's hash). */
export async function versionWithHash(
  pool: Pool,
  id: string,
  hash: string,
): Promise<number | null> {
  const { rows } = await pool.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM shop_profile_versions WHERE profile_id = $1 AND hash = $2',
    [id, hash],
  );
  return rows[0]?.v ?? null;
}

export function describeConflict(
  id: string,
  text: string,
  base: number,
  head: Head | null,
  refusedId: number | null,
): ProfileConflict {
  const current = head ?? { version: 0, hash: '', text: '', author: '', station: '', savedAt: '' };
  const kept =
    refusedId === null
      ? 'Your text is this station’s profile file until you resolve it.'
      : `Your text is kept on this station as refused edit #${refusedId} (GET /api/v1/shop/profiles/${id}/refused).`;
  return {
    profileId: id,
    baseVersion: base,
    current: {
      version: current.version,
      hash: current.hash,
      author: current.author,
      stationId: current.station,
      savedAt: current.savedAt,
    },
    refusedId,
    diff: unifiedDiff(
      `${id}.yaml (shop v${current.version})`,
      base < 0 ? `${id}.yaml (your edit)` : `${id}.yaml (your edit from v${base})`,
      current.text,
      text,
    ),
    message: `Not saved: "${id}" was changed by ${current.author || 'someone'} on station ${current.station || '?'} (shop version ${current.version}) ${base < 0 ? 'and your edit did not start from a version the shop knows' : `after the version you edited (${base})`}. ${kept} Open the current version, apply your change to it and save again.`,
  };
}
