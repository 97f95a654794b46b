/**
 * A TFTP transfer worker (see workers.ts): a TftpServer without a listener, fed the
 * requests that came to the well-known port, reporting log lines and transfer records
 * back to the listening thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../../log/logger.js';
import { TftpServer } from './server.js';
import type { FromWorker, ToWorker, WorkerConfig } from './workers.js';

const port = parentPort;
if (!port) throw new Error('tftp worker: run me as a worker thread');
const config = workerData as WorkerConfig;

const post = (m: FromWorker): void => {
  try {
    port.postMessage(m);
  } catch {
    // Something in a log object that cannot be cloned: send its text instead.
    if (m.type === 'log')
      port.postMessage({ ...m, obj: { detail: String(JSON.stringify(m.obj)) } });
  }
};
const line =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (obj: object | string, msg?: string): void => {
    if (typeof obj === 'string') post({ type: 'log', level, obj: {}, msg: obj });
    else post({ type: 'log', level, obj, msg: msg ?? '' });
  };
const logger = {
  debug: line('debug'),
  info: line('info'),
  warn: line('warn'),
  error: line('error'),
} as unknown as Logger;

const server = new TftpServer({
  root: config.root,
  host: config.host,
  port: 0,
  logger,
  onRecord: (record) => post({ type: 'record', record }),
  ...(config.limits ? { limits: config.limits } : {}),
  ...(config.maxRetries !== undefined ? { maxRetries: config.maxRetries } : {}),
  ...(config.maxTransfers !== undefined ? { maxTransfers: config.maxTransfers } : {}),
});
server.attach();

port.on('message', (m: ToWorker) => {
  if (m.type === 'request') {
    server.handle(Buffer.from(m.msg.buffer, m.msg.byteOffset, m.msg.byteLength), m.from);
  } else {
    void server.stop().then(() => post({ type: 'stopped' }));
  }
});
