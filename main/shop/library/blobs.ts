import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../net/http/errors.js';
import { checkGrant, fetchGrant } from './shop-key.js';
import type { SyncStore } from './sync-store.js';
import type { LibraryFile } from './types.js';

export const SHA256 = /^[0-9a-f]{64}$/;

/** A download that did not match what the shop says the file is; nothing was kept. */
export class BlobRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobRefused';
  }
}

export interface FetchCounters {
  received: number;
  refused: number;
  served: number;
  denied: number;
  lastRefusal: string | null;
}

/**
 * Downloads one file by content from the first source that has it, hashing and counting
 * while it writes `dest`: a wrong size stops the transfer at once, a wrong sha256 at the
 * end, and in both cases the partial file is removed. `dest` appears only when verified.
 */
export async function fetchVerified(input: {
  sources: string[];
  file: LibraryFile;
  dest: string;
  key: Buffer;
  stationId: string;
  now: () => Date;
  counters: FetchCounters;
  /** The station stopping: a download of gigabytes must not hold up its shutdown. */
  signal?: AbortSignal;
}): Promise<void> {
  const { file, dest } = input;
  const problems: string[] = [];
  for (const base of input.sources) {
    const url = `${base.replace(/\/+$/, '')}/${file.sha256}`;
    const part = `${dest}.${crypto.randomBytes(4).toString('hex')}.part`;
    try {
      const res = await fetch(url, {
        headers: {
          authorization: `Bearer ${fetchGrant(input.key, input.stationId, file.sha256, input.now())}`,
        },
        signal: AbortSignal.any([
          AbortSignal.timeout(30 * 60_000),
          ...(input.signal ? [input.signal] : []),
        ]),
      });
      if (res.status !== 200 || !res.body) {
        problems.push(`${base}: HTTP ${res.status}`);
        await res.body?.cancel();
        continue;
      }
      const hash = crypto.createHash('sha256');
      let size = 0;
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        // Never store more than the shop said the file has.
        if (size > file.size) body.destroy(new BlobRefused(`more than ${file.size} bytes`));
      });
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      await pipeline(body, fs.createWriteStream(part, { flags: 'wx' }));
      const sha = hash.digest('hex');
      if (size !== file.size || sha !== file.sha256) {
        throw new BlobRefused(
          size !== file.size
            ? `got ${size} bytes, the shop says ${file.size}`
            : `its sha256 is ${sha}, the shop says ${file.sha256}`,
        );
      }
      const fh = await fs.promises.open(part, 'r+');
      await fh.sync().finally(() => fh.close());
      fs.renameSync(part, dest);
      input.counters.received++;
      return;
    } catch (err) {
      fs.rmSync(part, { force: true });
      const why = `${file.rel} from ${base}: ${(err as Error).message}`;
      if (err instanceof BlobRefused) {
        input.counters.refused++;
        input.counters.lastRefusal = why;
      }
      problems.push(why);
    }
  }
  throw new BlobRefused(
    problems.length > 0
      ? `${file.rel} (${file.sha256.slice(0, 12)}…) could not be fetched: ${problems.join('; ')}`
      : `${file.rel} (${file.sha256.slice(0, 12)}…): no station of the shop holds it (is the one that imported it running?)`,
  );
}

/** sha256 and size of a local file, from the index while its size and mtime are unchanged. */
export async function indexedHash(
  sync: SyncStore,
  filesDir: string,
  rel: string,
): Promise<LibraryFile | null> {
  const full = path.join(filesDir, ...rel.split('/'));
  let st: fs.Stats;
  try {
    st = fs.statSync(full);
  } catch {
    sync.dropFile(rel);
    return null;
  }
  const known = sync.fileByPath(rel);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) {
    return { rel, sha256: known.sha256, size: known.size };
  }
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(full), hash);
  const sha256 = hash.digest('hex');
  sync.putFile(rel, sha256, st.size, st.mtimeMs);
  return { rel, sha256, size: st.size };
}

/**
 * GET /shop/v1/blobs/<sha256> on the bench listener: a library file by content, for other
 * stations of the shop only. The bench listener faces the bench, where any PC can ask; the
 * grant proves the asker holds the shop key (as it must to read the shop's secrets) and is
 * good for that one file for minutes. A file changed on disk since it was indexed is not
 * served (the index says what the shop was told it is).
 */
export function blobRoutes(deps: {
  filesDir: string;
  sync: SyncStore;
  key: () => Buffer | null;
  now: () => Date;
  counters: FetchCounters;
}) {
  return (app: FastifyInstance): void => {
    app.get<{ Params: { sha256: string } }>('/shop/v1/blobs/:sha256', async (req, reply) => {
      const { sha256 } = req.params;
      if (!SHA256.test(sha256))
        return sendError(reply, 400, 'bad_hash', 'Ask for a sha256 (64 hex digits).');
      const key = deps.key();
      if (!key) {
        return sendError(
          reply,
          503,
          'no_shop_key',
          'This station has no valid shop key; see its Shop status.',
        );
      }
      const auth = req.headers.authorization ?? '';
      const grant = checkGrant(
        key,
        auth.startsWith('Bearer ') ? auth.slice(7) : undefined,
        sha256,
        deps.now(),
      );
      if (!grant.ok) {
        deps.counters.denied++;
        req.log.warn(
          { client: req.ip, why: grant.why },
          'library file refused: no valid shop grant',
        );
        return sendError(
          reply,
          403,
          'forbidden',
          `Library files are for the shop's stations: ${grant.why}.`,
        );
      }
      for (const f of deps.sync.fileBySha(sha256)) {
        const full = path.join(deps.filesDir, ...f.path.split('/'));
        let st: fs.Stats;
        try {
          st = fs.statSync(full);
        } catch {
          continue;
        }
        if (!st.isFile() || st.size !== f.size || st.mtimeMs !== f.mtimeMs) continue;
        deps.counters.served++;
        req.log.info(
          { station: grant.stationId, sha256, bytes: st.size },
          'library file served to a shop station',
        );
        return reply
          .header('content-type', 'application/octet-stream')
          .header('content-length', st.size)
          .send(fs.createReadStream(full));
      }
      return sendError(reply, 404, 'not_found', `This station holds no file ${sha256}.`);
    });
  };
}
