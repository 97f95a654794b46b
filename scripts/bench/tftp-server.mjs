// The station's TFTP server alone (from dist/), for the benchmark:
//   node tftp-server.mjs ROOT PORT [TREE]   (TREE: another built checkout, default this one)
import path from 'node:path';
import pino from 'pino';
import { repoRoot } from './bench-lib.mjs';

const [root, port, tree = repoRoot] = process.argv.slice(2);
const { TftpServer } = await import(path.join(tree, 'dist/main/net/tftp/server.js'));
const { defaultWorkerCount } = await import(path.join(tree, 'dist/main/net/tftp/workers.js'));
const server = new TftpServer({
  root,
  host: '127.0.0.1',
  port: Number(port),
  logger: pino({ level: 'warn' }),
  // As the station runs it (main/net/tftp/part.ts); PS4_TFTP_WORKERS=0 for one thread.
  workers: Number(process.env.PS4_TFTP_WORKERS ?? defaultWorkerCount()),
});
await server.start();
process.once('SIGTERM', () => server.stop().then(() => process.exit(0)));
