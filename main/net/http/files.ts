import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StationContext } from '../../context.js';
import { maskUrl } from '../../log/logger.js';
import { resolveUnder } from '../tftp/paths.js';
import { sendError } from './errors.js';
import {
  sendFileRange,
  sendfileAddon,
  socketFd,
  ZeroCopyUnavailable,
  zeroCopyMinBytes,
} from './zero-copy.js';

/** Longest path under /files/ we accept (nested media folders, but not a hostile megabyte). */
const maxPathLength = 1024;
/** Large reads: fewer syscalls and event-loop turns per GiB of installer image. */
const streamChunk = 1024 * 1024;

export type RangeResult =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * A Range header longer than this is not one a boot client sends (`bytes=` and two 20-digit
 * numbers): it is ignored, so no parser ever walks a header-sized string of spaces.
 */
const maxRangeHeader = 256;

/**
 * RFC 9110 §14.2 byte ranges. One range is served as 206; several ranges are answered
 * with the whole file (allowed, and no boot client asks for several); a syntactically bad
 * header is ignored, as the RFC says. Parsed by hand in one pass: the old regex
 * `bytes=\s*(\d*)\s*-\s*(\d*)\s*$` backtracked on runs of spaces and a 5 KB header held the
 * event loop for 19 s (issue 13).
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header || header.length > maxRangeHeader) return { kind: 'full' };
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).toLowerCase() !== 'bytes') return { kind: 'full' };
  const spec = header.slice(eq + 1);
  const dash = spec.indexOf('-');
  if (dash < 0) return { kind: 'full' };
  const a = spec.slice(0, dash).trim();
  const b = spec.slice(dash + 1).trim();
  // Anything but digits (a second range's comma, a sign, a second dash) makes it bad.
  if (!isDigits(a) || !isDigits(b)) return { kind: 'full' };
  if (a === '' && b === '') return { kind: 'full' };
  if (a === '') {
    // Suffix range: the last N bytes.
    const n = Number(b);
    if (n === 0) return { kind: 'unsatisfiable' };
    return size === 0
      ? { kind: 'unsatisfiable' }
      : { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size) return { kind: 'unsatisfiable' };
  if (b !== '' && Number(b) < start) return { kind: 'full' };
  return { kind: 'partial', start, end };
}

/** Only ASCII digits (the empty string included): one pass, no regex. */
function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const types: Record<string, string> = {
  '.ipxe': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.cfg': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.json': 'application/json',
  '.iso': 'application/x-iso9660-image',
};

function etagOf(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

const macPattern = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

/** A MAC given in ?mac= (the boot script and agents add it), else the one DHCP saw. */
export function requestMac(ctx: StationContext, req: FastifyRequest): string | null {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const m = typeof q.mac === 'string' ? q.mac : '';
  if (macPattern.test(m)) return m.toLowerCase().replace(/-/g, ':');
  return ctx.clients.macFor(req.ip);
}

/** GET/HEAD /files/... from the files dir, with Range, streaming files of any size. */
export function filesRoutes(app: FastifyInstance, ctx: StationContext): void {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/files/*',
    exposeHeadRoute: false,
    handler: (req, reply) => serveFile(ctx, req, reply),
  });
}

async function serveFile(
  ctx: StationContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const name = (req.params as Record<string, string>)['*'] ?? '';
  const started = Date.now();
  const logPath = maskUrl(req.url);
  // Read the client now: after a disconnect the socket (and req.ip) may be gone.
  const client = req.ip ?? 'unknown';
  const mac = requestMac(ctx, req);
  let sent = 0;
  let kernel = false;
  const publish = (status: number): void => {
    ctx.bus.publish({
      type: 'boot',
      protocol: 'http',
      mac,
      client,
      summary: `HTTP ${req.method} ${logPath.split('?')[0]}: ${status}${sent > 0 ? `, ${sent} bytes` : ''}`,
      data: {
        path: logPath,
        status,
        bytes: sent,
        durationMs: Date.now() - started,
        ...(kernel ? { sendfile: true } : {}),
      },
    });
    if (mac) ctx.machineSighted({ mac, via: 'http', ip: client });
  };

  const resolved = await resolveUnder(ctx.paths.filesDir, name, maxPathLength);
  if (!resolved.ok) {
    const status = resolved.notFound ? 404 : 403;
    if (!resolved.notFound) {
      req.log.warn({ client: req.ip, path: logPath, reason: resolved.reason }, 'file refused');
    }
    publish(status);
    return sendError(
      reply,
      status,
      resolved.notFound ? 'not_found' : 'forbidden',
      resolved.notFound ? `No such file: ${name}` : `Refused: ${resolved.reason}`,
    );
  }
  const { size, mtimeMs, file } = resolved;
  const etag = etagOf(size, mtimeMs);
  let range = parseRange(req.headers.range, size);
  // If-Range: only resume when the file is still the one the client has part of.
  const ifRange = req.headers['if-range'];
  if (range.kind !== 'full' && ifRange && ifRange !== etag) range = { kind: 'full' };

  reply.header('accept-ranges', 'bytes');
  reply.header('etag', etag);
  reply.header('last-modified', new Date(mtimeMs).toUTCString());
  reply.type(types[path.extname(file).toLowerCase()] ?? 'application/octet-stream');

  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    publish(416);
    return sendError(reply, 416, 'range_not_satisfiable', `The file has ${size} bytes.`);
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : size - 1;
  const length = Math.max(0, end - start + 1);
  const status = range.kind === 'partial' ? 206 : 200;
  reply.code(status);
  reply.header('content-length', String(length));
  if (range.kind === 'partial') reply.header('content-range', `bytes ${start}-${end}/${size}`);

  if (req.method === 'HEAD' || length === 0) {
    publish(status);
    // Fastify would set content-length 0 for an empty body; keep the file's length for HEAD.
    reply.hijack();
    writeHead(reply);
    return reply;
  }
  reply.raw.once('close', () => {
    if (sent < length) {
      req.log.info({ client, path: logPath, sent, length }, 'download ended before the last byte');
    }
    publish(status);
  });
  if (length >= zeroCopyMinBytes && sendfileAddon() && socketFd(reply.raw.socket) !== null) {
    let fh: fs.promises.FileHandle | null = null;
    try {
      fh = await fs.promises.open(file, 'r');
    } catch {
      // Gone since resolveUnder: the stream below reports it the usual way.
    }
    if (fh) {
      reply.hijack();
      kernel = true;
      await sendWithKernel(req, reply, fh, start, length, (n, viaKernel) => {
        sent = n;
        kernel = viaKernel;
      }).finally(() => fh.close().catch(() => undefined));
      return reply;
    }
  }
  const stream = fs.createReadStream(file, { start, end, highWaterMark: streamChunk });
  stream.on('data', (chunk) => {
    sent += chunk.length;
  });
  return reply.send(stream);
}

/** The response head, then the body by sendfile(2); streams if the kernel refuses it. */
async function sendWithKernel(
  req: FastifyRequest,
  reply: FastifyReply,
  fh: fs.promises.FileHandle,
  start: number,
  length: number,
  progress: (sent: number, viaKernel: boolean) => void,
): Promise<void> {
  const res = reply.raw;
  res.writeHead(reply.statusCode, reply.getHeaders() as Record<string, string | number | string[]>);
  res.flushHeaders();
  try {
    await sendFileRange(res.socket!, fh, start, length, (n) => progress(n, true));
    res.end();
  } catch (err) {
    if (err instanceof ZeroCopyUnavailable) {
      req.log.debug({ err: err.message }, 'sendfile unavailable, streaming');
      let sent = 0;
      const stream = fh.createReadStream({
        start,
        end: start + length - 1,
        highWaterMark: streamChunk,
        autoClose: false,
      });
      progress(0, false);
      stream.on('data', (chunk) => progress((sent += chunk.length), false));
      await new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('error', () => {
          res.destroy();
          resolve();
        });
        res.once('close', resolve);
        stream.pipe(res);
      });
      return;
    }
    // The client went away (EPIPE, reset) or the file changed: the 'close' handler logs it.
    res.destroy();
  }
}

/** Writes the status and headers fastify collected, with no body (HEAD and empty files). */
function writeHead(reply: FastifyReply): void {
  const headers = reply.getHeaders() as Record<string, string | number | string[]>;
  reply.raw.writeHead(reply.statusCode, headers);
  reply.raw.end();
}
