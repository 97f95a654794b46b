import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction with the version bump. */
  up: string;
}

/** Applies the migrations newer than the database's user_version, each in a transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.version === sorted[i - 1]!.version) {
      throw new Error(`two migrations share version ${sorted[i]!.version}`);
    }
  }
  const current = db.pragma('user_version', { simple: true }) as number;
  const known = sorted.at(-1)?.version ?? 0;
  if (current > known) {
    throw new Error(
      `the database is at schema version ${current}, newer than this PrepStation knows (${known}); update PrepStation or use another --data-dir`,
    );
  }
  const applied: number[] = [];
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
