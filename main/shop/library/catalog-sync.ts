import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from '../../log/logger.js';
import { fetchVerified, type FetchCounters } from './blobs.js';
import { filePath, installItem, localItems, type Libraries, type LibraryItem } from './catalog.js';
import type { SyncStore } from './sync-store.js';
import type { LibraryFile, LibraryKind } from './types.js';

interface ShopItemRow {
  kind: LibraryKind;
  id: string;
  digest: string;
  revision: string;
}

/** A full pass at least this often, for changes no event announces (driver imports). */
const FULL_PASS_MS = 30_000;

/**
 * Keeps the local app, driver and media libraries and the shop's catalogue in step: a new
 * or changed local item is published (metadata in PostgreSQL, this station listed as holder
 * of its files), an item the shop has and this station lacks is fetched file by file,
 * verified, and put in the local library. Each station downloads a file once; from then
 * on it holds it too, and serves it to the others.
 */
export class CatalogSync {
  private lastRevision = -1;
  private lastFull = 0;
  private dirty = true;
  private advertised: string | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: {
      pool: Pool;
      libs: Libraries;
      sync: SyncStore;
      logger: Logger;
      now: () => Date;
      stationId: string;
      key: Buffer;
      counters: FetchCounters;
      advertisedUrl: () => string;
      origins: string[];
    },
  ) {}

  /** Ends a download under way (the station stops); later passes fetch nothing. */
  stop(): void {
    this.stopping.abort();
  }

  /** A local library changed (an import): look at it on the next pass. */
  touch(): void {
    this.dirty = true;
  }

  async syncOnce(): Promise<{ published: number; fetched: number; failed: string[] }> {
    const { pool, sync } = this.deps;
    await this.advertise();
    const rev = Number(
      (
        await pool.query<{ r: string }>(
          'SELECT coalesce(max(revision), 0) AS r FROM shop_library_items',
        )
      ).rows[0]!.r,
    );
    const due = Date.now() - this.lastFull > FULL_PASS_MS;
    if (!this.dirty && !due && rev === this.lastRevision) {
      return { published: 0, fetched: 0, failed: [] };
    }
    this.dirty = false;
    this.lastFull = Date.now();
    const local = await localItems(this.deps.libs, sync);
    const shop = new Map(
      (
        await pool.query<ShopItemRow>('SELECT kind, id, digest, revision FROM shop_library_items')
      ).rows.map((r) => [`${r.kind}:${r.id}`, r]),
    );
    let published = 0;
    const toFetch: ShopItemRow[] = [];
    const seen = new Set<string>();
    for (const item of local) {
      const key = `${item.kind}:${item.id}`;
      seen.add(key);
      const mark = sync.mark(key);
      const s = shop.get(key);
      if (s && s.digest === item.digest) {
        if (mark?.digest !== item.digest) {
          await this.hold(item.files);
          sync.putMark(key, item.digest, Number(s.revision));
        }
        continue;
      }
      // New here, or changed here since the last agreement: the shop takes this one.
      if (!s || (mark && mark.digest !== item.digest)) {
        await this.publish(item);
        published++;
      } else {
        // Changed in the shop (or this station joined with another version): take the shop's.
        toFetch.push(s);
      }
    }
    for (const [key, s] of shop) {
      if (seen.has(key)) continue;
      const mark = sync.mark(key);
      // Had it, in this very version, and it is gone: deleted here on purpose (a medium
      // removed to free the disk). Not fetched again until the shop has a new version.
      if (mark?.digest === s.digest) {
        await this.release(s);
        sync.putMark(key, `deleted:${s.digest}`, Number(s.revision));
        continue;
      }
      if (mark?.digest === `deleted:${s.digest}`) continue;
      toFetch.push(s);
    }
    let fetched = 0;
    const failed: string[] = [];
    for (const s of toFetch) {
      if (this.stopping.signal.aborted) break;
      try {
        await this.fetchItem(s);
        fetched++;
      } catch (err) {
        const why = `${s.kind} ${s.id}: ${(err as Error).message}`;
        failed.push(why);
        this.deps.logger.warn(
          { kind: s.kind, id: s.id, err: (err as Error).message },
          'shared library item not fetched',
        );
      }
    }
    // A failure is retried on the next full pass, not in a tight loop.
    this.lastRevision = rev;
    return { published, fetched, failed };
  }

  private async advertise(): Promise<void> {
    const url = `${this.deps.advertisedUrl().replace(/\/+$/, '')}/shop/v1/blobs`;
    if (url === this.advertised) return;
    await this.deps.pool.query(
      `INSERT INTO shop_library_origins (station_id, url) VALUES ($1, $2)
       ON CONFLICT (station_id) DO UPDATE SET url = excluded.url, updated_at = now()`,
      [this.deps.stationId, url],
    );
    this.advertised = url;
  }

  private async publish(item: LibraryItem): Promise<void> {
    const { rows } = await this.deps.pool.query<{ revision: string }>(
      `INSERT INTO shop_library_items (kind, id, digest, meta, files, revision, station_id)
       VALUES ($1, $2, $3, $4, $5, nextval('shop_library_revision'), $6)
       ON CONFLICT (kind, id) DO UPDATE SET digest = excluded.digest, meta = excluded.meta,
         files = excluded.files, revision = excluded.revision, station_id = excluded.station_id,
         updated_at = now()
       RETURNING revision`,
      [
        item.kind,
        item.id,
        item.digest,
        JSON.stringify(item.meta),
        JSON.stringify(item.files),
        this.deps.stationId,
      ],
    );
    await this.hold(item.files);
    this.deps.sync.putMark(`${item.kind}:${item.id}`, item.digest, Number(rows[0]!.revision));
    this.deps.logger.info({ kind: item.kind, id: item.id }, 'library item shared with the shop');
  }

  /** This station can serve these files from now on. */
  private async hold(files: LibraryFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.deps.pool.query(
      `INSERT INTO shop_blob_holders (sha256, station_id, size)
       SELECT f.sha, $3, f.size FROM unnest($1::text[], $2::bigint[]) AS f(sha, size)
       ON CONFLICT (sha256, station_id) DO UPDATE SET seen_at = now()`,
      [files.map((f) => f.sha256), files.map((f) => f.size), this.deps.stationId],
    );
  }

  private async fetchItem(s: ShopItemRow): Promise<void> {
    const { pool, sync } = this.deps;
    const { rows } = await pool.query<{
      meta: Record<string, unknown>;
      files: LibraryFile[];
      digest: string;
      revision: string;
    }>('SELECT meta, files, digest, revision FROM shop_library_items WHERE kind = $1 AND id = $2', [
      s.kind,
      s.id,
    ]);
    const row = rows[0];
    if (!row) return;
    const fetchFile = async (file: LibraryFile, dest: string): Promise<void> => {
      await fetchVerified({
        sources: await this.sources(file.sha256),
        file,
        dest,
        key: this.deps.key,
        stationId: this.deps.stationId,
        now: this.deps.now,
        counters: this.deps.counters,
        signal: this.stopping.signal,
      });
    };
    await installItem(
      this.deps.libs,
      { kind: s.kind, id: s.id, meta: row.meta, files: row.files },
      fetchFile,
      this.deps.now,
    );
    // Index what arrived, so this station serves it too.
    for (const f of row.files) {
      const rel = filePath(s.kind, s.id, f.rel);
      try {
        const st = fs.statSync(path.join(this.deps.libs.filesDir, ...rel.split('/')));
        sync.putFile(rel, f.sha256, f.size, st.mtimeMs);
      } catch {
        // An app lands under its library path; indexed on the next pass from its row.
      }
    }
    await this.hold(row.files);
    sync.putMark(`${s.kind}:${s.id}`, row.digest, Number(row.revision));
    this.deps.logger.info(
      { kind: s.kind, id: s.id, files: row.files.length },
      'library item fetched from the shop and verified',
    );
  }

  /** This station no longer holds the item's files: others stop asking it for them. */
  private async release(s: ShopItemRow): Promise<void> {
    await this.deps.pool.query(
      `DELETE FROM shop_blob_holders WHERE station_id = $1 AND sha256 IN (
         SELECT f->>'sha256' FROM shop_library_items i, jsonb_array_elements(i.files) f
         WHERE i.kind = $2 AND i.id = $3)`,
      [this.deps.stationId, s.kind, s.id],
    );
    this.deps.logger.info(
      { kind: s.kind, id: s.id },
      'library item deleted on this station: not fetched again until the shop has a new version',
    );
  }

  /** Configured origins or caches first, then the stations holding the file, newest first. */
  private async sources(sha256: string): Promise<string[]> {
    const { rows } = await this.deps.pool.query<{ url: string }>(
      `SELECT o.url FROM shop_blob_holders h JOIN shop_library_origins o ON o.station_id = h.station_id
       WHERE h.sha256 = $1 AND h.station_id <> $2 ORDER BY h.seen_at DESC`,
      [sha256, this.deps.stationId],
    );
    return [...this.deps.origins, ...rows.map((r) => r.url)];
  }
}
