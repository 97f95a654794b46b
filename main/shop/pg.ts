/**
 * The shop PostgreSQL: a `pg` Pool made from the `database` option, and the numbered
 * migrations in main/shop/pg-migrations/NNNN-name.sql (S 0001-0049, B 0050-0099,
 * V 0100-0149). Imported only when `--database` is given: a station without it never loads
 * `pg` at all (station.ts imports this module dynamically).
 *
 * The URL carries the password. It is never logged: every message built here uses
 * maskDatabaseUrl(), and errors from `pg` are passed through describePgError(), which
 * masks anything that looks like the URL or the password.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { packageRoot } from '../util/package-root.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** postgres://user:secret@host/db -> postgres://user:***@host/db (also in query strings). */
export function maskDatabaseUrl(url: string): string {
  return url
    .replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** The password inside a URL, so error texts can be scrubbed of it; null when none. */
function passwordOf(url: string): string | null {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : null;
  } catch {
    return null;
  }
}

/** One line a technician can act on, with the URL masked and the password removed. */
export function describePgError(err: unknown, url: string): string {
  const e = err as { message?: string; code?: string } | null;
  let text = e?.message ?? String(err);
  const pw = passwordOf(url);
  if (pw) text = text.split(pw).join('***');
  text = text.replace(/postgres(?:ql)?:\/\/\S+/gi, (m) => maskDatabaseUrl(m));
  const where = maskDatabaseUrl(url);
  const code = e?.code ?? '';
  if (code === 'ECONNREFUSED') {
    return `the shop database at ${where} refuses connections (${text}): is PostgreSQL running and listening on that address?`;
  }
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') {
    return `the shop database at ${where} is unreachable from this station (${text}): check the cable and the network between this station and the database host`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `the shop database host in ${where} cannot be resolved (${text}): check the host name in --database`;
  }
  if (code === '28P01' || code === '28000') {
    return `the shop database at ${where} refused the login (${text}): check the user and password in --database and pg_hba.conf`;
  }
  if (code === '3D000') {
    return `the shop database at ${where} does not exist (${text}): create it (createdb) or fix the name in --database`;
  }
  if (/timeout|timed out/i.test(text)) {
    return `the shop database at ${where} does not answer (${text}): check the network between this station and the database`;
  }
  return `shop database ${where}: ${text}`;
}

export interface PoolOptions {
  /** Shown in pg_stat_activity, so a DBA can tell the stations apart. */
  applicationName?: string;
  max?: number;
  /**
   * A cut cable sends no reset: without these limits a query or a connect on a dead link
   * would wait for TCP to give up (minutes). The shipper then retries with backoff.
   */
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  /** Idle clients die when the link does; the pool reports it here instead of crashing. */
  onIdleError?: (message: string) => void;
}

export function createPool(url: string, opts: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: opts.applicationName ?? 'prepstation',
    max: opts.max ?? 4,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    query_timeout: opts.queryTimeoutMs ?? 15_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
  });
  // Without a listener an idle client's socket error is an uncaught 'error' event, which
  // would end the station: the shop database going away must never stop the bench.
  pool.on('error', (err) => opts.onIdleError?.(describePgError(err, url)));
  // The same for a client while it is checked out (a migration, a profile save, a LISTEN):
  // its socket dying between two queries emits 'error' on the client, not the pool. The
  // query that fails (or the next one) reports it to whoever holds the client; the event
  // itself only has to be heard. Seen as a crash when a test cut the link mid-save.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** main/shop/pg-migrations, from the sources or from an installed package alike. */
export function defaultMigrationsDir(): string {
  return path.join(packageRoot(), 'main', 'shop', 'pg-migrations');
}

/** Reads NNNN-name.sql files, in version order; two files with one number are an error. */
export function loadPgMigrations(dir = defaultMigrationsDir()): PgMigration[] {
  const out: PgMigration[] = [];
  for (const file of fs.readdirSync(dir)) {
    const m = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({
      version: Number(m[1]),
      name: m[2]!,
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) {
      throw new Error(`two shop database migrations share version ${out[i]!.version} in ${dir}`);
    }
  }
  return out;
}

/**
 * Every station migrates at start, several at once: a transaction-scoped advisory lock makes
 * them take turns, and each migration runs with its version row in one transaction, so a
 * crash leaves it applied whole or not at all. Returns the versions applied now.
 */
export async function migratePg(
  pool: Pool,
  migrations: readonly PgMigration[] = loadPgMigrations(),
): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // Under the lock too: two CREATE TABLE IF NOT EXISTS at once can both try to create.
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`
        CREATE TABLE IF NOT EXISTS shop_schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    for (const m of migrations) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        const done = await client.query('SELECT 1 FROM shop_schema_migrations WHERE version = $1', [
          m.version,
        ]);
        if (done.rowCount === 0) {
          await client.query(m.sql);
          await client.query('INSERT INTO shop_schema_migrations (version, name) VALUES ($1, $2)', [
            m.version,
            m.name,
          ]);
          applied.push(m.version);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(
          `shop database migration ${String(m.version).padStart(4, '0')}-${m.name} failed: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    // A database migrated by a newer PrepStation may hold tables this one misreads.
    const known = new Set(migrations.map((m) => m.version));
    const rows = await client.query<{ version: number; name: string }>(
      'SELECT version, name FROM shop_schema_migrations ORDER BY version',
    );
    const unknown = rows.rows.filter((r) => !known.has(r.version));
    if (unknown.length > 0) {
      throw new Error(
        `the shop database has migrations this PrepStation does not know (${unknown
          .map((r) => `${r.version}-${r.name}`)
          .join(', ')}): update PrepStation on this station`,
      );
    }
  } finally {
    client.release();
  }
  return applied;
}

/** Any constant shared by every PrepStation: the key of the migrations' advisory lock. */
const MIGRATION_LOCK = 0x50535348; // "PSSH"
