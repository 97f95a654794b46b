import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from '../../../../main/db/checkpoint.js';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { createLogger } from '../../../../main/log/logger.js';

const logger = createLogger({ level: 'silent', stdout: false });
const dirs: string[] = [];
const dbs: Db[] = [];

function fresh(): { db: Db; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps7-checkpoint-'));
  dirs.push(dir);
  const file = path.join(dir, 'station.db');
  const db = openDatabase(file);
  dbs.push(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  return { db, file };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('WAL checkpointer', () => {
  it('checkpoints from its thread while the writer only appends to the WAL', async () => {
    const { db, file } = fresh();
    const cp = startWalCheckpointer(db, file, logger, 20);
    expect(cp).not.toBeNull();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = fs.statSync(file).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000));
    // The rows reach the database file only by a checkpoint, and this connection does none.
    await until(() => fs.statSync(file).size > before + 150_000, 'the database file to grow');
    await cp!.stop();
    db.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('gives checkpoints back to the writer when its thread cannot work', async () => {
    const { db } = fresh();
    const cp = startWalCheckpointer(db, path.join(os.tmpdir(), 'ps7-no-such-dir', 'x.db'), logger);
    expect(cp).not.toBeNull();
    await until(() => db.pragma('wal_autocheckpoint', { simple: true }) === 1000, 'the fallback');
    await cp!.stop();
  });

  it('leaves an in-memory database alone', () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    expect(startWalCheckpointer(db, ':memory:', logger)).toBeNull();
  });
});
