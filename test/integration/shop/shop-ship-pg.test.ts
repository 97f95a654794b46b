import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  describePgError,
  maskDatabaseUrl,
  migratePg,
  loadPgMigrations,
  type Pool,
} from '../../../main/shop/pg.js';
import { requireOrSkip } from '../../helpers/env.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../../helpers/postgres.js';

const skip = requireOrSkip(postgresUnavailable());

describe.skipIf(skip)('shop PostgreSQL: pool and migrations', () => {
  let srv: TestPostgres;
  let pool: Pool;
  beforeAll(async () => {
    srv = await startPostgres();
    pool = createPool(srv.url);
  });
  afterAll(async () => {
    await pool?.end();
    await srv?.stop();
  });

  it('applies the numbered migrations once, even when stations migrate at the same time', async () => {
    const all = loadPgMigrations();
    expect(all[0]!.version).toBe(1);
    const other = createPool(srv.localUrl);
    try {
      const [a, b] = await Promise.all([migratePg(pool), migratePg(other)]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(all.map((m) => m.version));
      expect(await migratePg(pool)).toEqual([]);
    } finally {
      await other.end();
    }
    const t = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('shop_stations', 'shop_events', 'shop_machines')",
    );
    expect(Number(t.rows[0]!.n)).toBe(3);
  });

  it('refuses a database migrated by a newer PrepStation', async () => {
    await pool.query(
      "INSERT INTO shop_schema_migrations (version, name) VALUES (9999, 'from-the-future')",
    );
    try {
      await expect(migratePg(pool)).rejects.toThrow(/9999-from-the-future.*update PrepStation/);
    } finally {
      await pool.query('DELETE FROM shop_schema_migrations WHERE version = 9999');
    }
  });

  it('never shows the password: masked URL, scrubbed errors', async () => {
    expect(maskDatabaseUrl(srv.url)).not.toContain(srv.password);
    expect(maskDatabaseUrl(srv.url)).toContain(':***@');
    const wrong = srv.url.replace(srv.password, 'not-the-password');
    const bad = createPool(wrong);
    const err = await bad.query('SELECT 1').catch((e: unknown) => e);
    await bad.end();
    const text = describePgError(err, wrong);
    expect(text).toMatch(/refused the login/);
    expect(text).not.toContain('not-the-password');
    const refused = describePgError(
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:1 ${srv.url}`), {
        code: 'ECONNREFUSED',
      }),
      srv.url,
    );
    expect(refused).toMatch(/refuses connections/);
    expect(refused).not.toContain(srv.password);
  });
});
