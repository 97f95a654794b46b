import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger.js';
import type { Db } from './open.js';

/** SQLite's own default: checkpoint when the WAL holds this many pages. */
const AUTO_CHECKPOINT_PAGES = 1000;

// CommonJS, run with eval: no file to find next to the compiled code (dist, Electron, tests).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let failed = false;
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failed = false;
  } catch (err) {
    if (!failed) parentPort.postMessage({ error: String((err && err.message) || err) });
    failed = true;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.close(); } catch {}
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Stops the thread and closes its connection; call before closing the database. */
  stop(): Promise<void>;
}

/**
 * WAL checkpoints on a second connection in a worker thread, every `intervalMs`. A
 * checkpoint copies the WAL into the database file and syncs it, which on a busy disk
 * takes tens of milliseconds or more: done by the writing connection (SQLite's automatic
 * checkpoint, every 1000 pages), it stalled the event loop and every agent request with
 * it. Writers never wait for a PASSIVE checkpoint. Commits stay as durable as before (WAL,
 * synchronous=NORMAL). If the thread cannot start or dies, the writing connection goes back
 * to checkpointing by itself.
 */
export function startWalCheckpointer(
  db: Db,
  file: string,
  logger: Logger,
  intervalMs = 1000,
): WalCheckpointer | null {
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return null;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let stopping = false;
  let fellBack = false;
  const fallBack = (why: string): void => {
    if (fellBack || stopping) return;
    fellBack = true;
    logger.warn({ why }, 'WAL checkpoints back on the main thread');
    try {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch {
      // the database is closing
    }
  };
  db.pragma('wal_autocheckpoint = 0');
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
  } catch (err) {
    fallBack((err as Error).message);
    return null;
  }
  worker.unref();
  worker.on('message', (m: { error?: string }) => {
    if (m.error) logger.warn({ err: m.error }, 'WAL checkpoint failed; retrying');
  });
  worker.on('error', (err) => fallBack(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => fallBack('the checkpoint thread exited'));
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
