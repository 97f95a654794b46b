import type { Pool } from 'pg';
import type { Logger } from '../../log/logger.js';
import type { SecretStore } from '../../profiles/secrets.js';
import { seal, unseal } from './shop-key.js';
import type { SyncStore } from './sync-store.js';

interface SecretRow {
  name: string;
  iv: string;
  tag: string;
  data: string;
  deleted: boolean;
  revision: string;
}

const markOf = (name: string) => `secret:${name}`;
const REV = 'secrets:revision';

/**
 * Secrets shared through PostgreSQL, sealed with the shop key (the database never sees a
 * value or the key). The station's own secrets.json stays what it renders from, sealed with
 * its own key, so it deploys with the database away. A value set on a station is pushed; a
 * value set elsewhere is pulled and sealed again locally. The newest write wins: a secret
 * has no text to merge, and showing both would show a secret. Names only in logs.
 */
export class SharedSecrets {
  constructor(
    private readonly pool: Pool,
    private readonly secrets: SecretStore,
    private readonly sync: SyncStore,
    private readonly key: Buffer,
    private readonly stationId: string,
    private readonly logger: Logger,
  ) {}

  async syncOnce(): Promise<{ pushed: number; pulled: number }> {
    const shop = new Map(
      (
        await this.pool.query<{ name: string; deleted: boolean }>(
          'SELECT name, deleted FROM shop_secrets',
        )
      ).rows.map((r) => [r.name, r.deleted]),
    );
    let pushed = 0;
    const local = this.secrets.list();
    for (const s of local) {
      const mark = this.sync.mark(markOf(s.name));
      // A station joining the shop takes the shop's value for a name both have.
      if (!mark && shop.get(s.name) === false) continue;
      if (mark && mark.digest === s.updatedAt) continue;
      const value = this.secrets.reveal(s.name);
      if (value === undefined) continue;
      const sealed = seal(this.key, s.name, value);
      const { rows } = await this.pool.query<{ revision: string }>(
        `INSERT INTO shop_secrets (name, iv, tag, data, deleted, revision, station_id)
         VALUES ($1, $2, $3, $4, false, nextval('shop_library_revision'), $5)
         ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, data = excluded.data,
           deleted = false, revision = excluded.revision, updated_at = now(), station_id = excluded.station_id
         RETURNING revision`,
        [s.name, sealed.iv, sealed.tag, sealed.data, this.stationId],
      );
      this.sync.putMark(markOf(s.name), s.updatedAt, Number(rows[0]!.revision));
      this.logger.info({ secret: s.name }, 'secret shared with the shop');
      pushed++;
    }
    const names = new Set(local.map((s) => s.name));
    for (const m of this.sync.marks('secret:')) {
      const name = m.key.slice('secret:'.length);
      if (names.has(name)) continue;
      // Deleted here since the last sync: deleted in the shop too (a tombstone, so others
      // delete it rather than push it back).
      const { rows } = await this.pool.query<{ revision: string }>(
        `UPDATE shop_secrets SET deleted = true, iv = '', tag = '', data = '',
           revision = nextval('shop_library_revision'), updated_at = now(), station_id = $2
         WHERE name = $1 RETURNING revision`,
        [name, this.stationId],
      );
      this.sync.dropMark(m.key);
      if (rows[0]) this.logger.info({ secret: name }, 'secret deleted in the shop');
      pushed++;
    }
    return { pushed, pulled: await this.pull() };
  }

  private async pull(): Promise<number> {
    const since = this.sync.mark(REV)?.revision ?? 0;
    const { rows } = await this.pool.query<SecretRow>(
      'SELECT name, iv, tag, data, deleted, revision FROM shop_secrets WHERE revision > $1 ORDER BY revision',
      [since],
    );
    let pulled = 0;
    let last = since;
    for (const r of rows) {
      const rev = Number(r.revision);
      last = Math.max(last, rev);
      if (this.sync.mark(markOf(r.name))?.revision === rev) continue; // our own write
      if (r.deleted) {
        this.secrets.delete(r.name);
        this.sync.dropMark(markOf(r.name));
        pulled++;
        continue;
      }
      // A wrong key throws here (GCM's tag): the caller reports the key problem.
      const value = unseal(this.key, r.name, r);
      this.secrets.set(r.name, value);
      const updatedAt = this.secrets.list().find((s) => s.name === r.name)?.updatedAt ?? '';
      this.sync.putMark(markOf(r.name), updatedAt, rev);
      this.logger.info({ secret: r.name }, 'secret taken from the shop');
      pulled++;
    }
    if (last !== since) this.sync.putMark(REV, 'rev', last);
    return pulled;
  }
}
