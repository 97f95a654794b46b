import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values are secrets wherever they appear in a log line. Values are replaced,
 * never the keys, so a reader still sees that a token was there.
 */
export const redactPaths = [
  'token',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.*.token',
  '*.*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Masks secrets carried in URLs: ?token=..., /t/<token>/ paths. */
export function maskUrl(url: string): string {
  return url
    .replace(/([?&](?:token|key|password)=)[^&#]*/gi, '$1***')
    .replace(/(\/t\/)[^/?#]+/g, '$1***');
}

export interface LoggerOptions {
  level: string;
  logsDir?: string;
  /** Also write to stdout (the headless station); off in tests. */
  stdout?: boolean;
}

/**
 * pino to stdout and to a size-rotated file in <data-dir>/logs (pino-roll, 10 MB x 5).
 * The file transport runs in a worker thread, so logging never blocks the sockets.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const targets: pino.TransportTargetOptions[] = [];
  if (opts.stdout !== false) {
    targets.push({ target: 'pino/file', level: opts.level, options: { destination: 1 } });
  }
  if (opts.logsDir) {
    fs.mkdirSync(opts.logsDir, { recursive: true });
    targets.push({
      target: 'pino-roll',
      level: opts.level,
      options: {
        file: path.join(opts.logsDir, 'station'),
        extension: '.log',
        size: '10m',
        limit: { count: 5 },
        mkdir: true,
      },
    });
  }
  const base = {
    level: opts.level,
    redact: { paths: redactPaths, censor: '***' },
    serializers: {
      req(req: { method?: string; url?: string; ip?: string }) {
        return { method: req.method, url: maskUrl(req.url ?? ''), ip: req.ip };
      },
      err: pino.stdSerializers.err,
    },
  };
  if (targets.length === 0) return pino({ ...base, enabled: false });
  const transport = pino.transport({ targets });
  // A log file that cannot be written (disk full, folder removed) must never take the
  // station down: say so once on stderr and keep running.
  let warned = false;
  transport.on('error', (err: Error) => {
    if (warned) return;
    warned = true;
    process.stderr.write(`prepstation: cannot write the log file: ${err.message}\n`);
  });
  return pino(base, transport);
}

/** Resolves when the logger's transport has written everything (before exit). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve();
    }
    setTimeout(resolve, 500).unref();
  });
}
