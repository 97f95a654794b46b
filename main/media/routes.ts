import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { idParams, removed } from '../api/common.js';
import { DomainError, notFound } from '../api/domain-error.js';
import {
  mediaImportStatus,
  mediaRecord,
  mediaUploadQuery,
  wimbootStatus as wimbootStatusSchema,
} from '../api/media.js';
import type { StationContext } from '../context.js';
import { route } from '../net/http/contract.js';
import { isUploadContentType } from '../net/http/ui-guard.js';
import type { MediaImportError } from './errors.js';
import { checkMediaId, refuseExisting } from './importer.js';
import type { MediaLibrary } from './library.js';
import { mediaUsers } from './profile-check.js';
import { wimbootStatus } from './wimboot.js';

/**
 * UI API of the media library.
 *   GET    /api/v1/media            imported media
 *   GET    /api/v1/media/:id        one medium
 *   DELETE /api/v1/media/:id        409 while a profile names it
 *   POST   /api/v1/media?fileName=X.iso[&id=ID][&wait=1]   the ISO as the raw body
 *   GET    /api/v1/media-imports    imports in flight and just ended (event `media-import`)
 *   GET    /api/v1/wimboot          wimboot present, version, problem and fix
 * An upload is streamed to disk (never buffered: ISOs are 5-7 GiB), then imported; the
 * answer is 202 once the bytes are in, and progress follows on the event stream. With
 * wait=1 the answer comes when the import has ended (201 with the record, or the error).
 */
export function mediaRoutes(library: MediaLibrary) {
  return async (app: FastifyInstance, ctx: StationContext): Promise<void> => {
    const tag = 'media';
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/media',
        tag,
        summary: 'The imported Windows media.',
        reply: z.array(mediaRecord),
      },
      async () => library.list(),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/media-imports',
        tag,
        summary: 'Imports in flight and just ended (progress follows as media-import events).',
        reply: z.array(mediaImportStatus),
      },
      async () => library.importStatuses(),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/wimboot',
        tag,
        summary: 'wimboot: present, its version, and what is wrong for the imported media.',
        reply: wimbootStatusSchema,
      },
      async () => wimbootStatus(ctx.paths.filesDir, library.list()),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/media/:id',
        tag,
        summary: 'One medium.',
        params: idParams,
        reply: mediaRecord,
      },
      async ({ params: { id } }) => {
        const m = library.get(id);
        if (!m) throw notFound(`No medium "${id}" in the media library.`);
        return m;
      },
    );
    route(
      app,
      {
        method: 'DELETE',
        url: '/api/v1/media/:id',
        tag,
        summary: 'Delete a medium; refused (409) while a profile names it.',
        params: idParams,
        reply: removed,
      },
      async ({ params: { id } }) => {
        if (!library.get(id)) throw notFound(`No medium "${id}" in the media library.`);
        const users = mediaUsers(ctx.profiles, id);
        if (users.length > 0) {
          throw new DomainError(
            'media_in_use',
            `Medium "${id}" is used by profile(s) ${users.join(', ')}: change their target.media first.`,
            { status: 409, details: { profiles: users } },
          );
        }
        library.remove(id);
        ctx.logger.info({ media: id }, 'medium deleted');
        return { id };
      },
    );

    await app.register(async (upload) => {
      upload.removeAllContentTypeParsers();
      upload.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      route(
        upload,
        {
          method: 'POST',
          url: '/api/v1/media',
          tag,
          summary:
            'Import an ISO (the raw body): 202 once the bytes are in (progress as events); with wait=1, 201 with the record when the import has ended.',
          query: mediaUploadQuery,
          reply: z.union([mediaImportStatus, mediaRecord]),
          status: [202, 201],
          // An ISO takes minutes: no overall body deadline, only the minimum rate (timeouts.ts).
          options: { bodyLimit: Number.MAX_SAFE_INTEGER, config: { longBody: true } },
        },
        async ({ req, reply, query: q }) => {
          // The ISO's own type: text/plain and forms are what a foreign page can send
          // without a CORS preflight (issue 13 item 3), as for app uploads.
          if (!isUploadContentType(req.headers['content-type'])) {
            throw new DomainError(
              'unsupported_media_type',
              'Send the ISO with its own content type, such as application/octet-stream.',
              { status: 415 },
            );
          }
          const body = req.body as Readable | undefined;
          if (!body || typeof body.pipe !== 'function') {
            throw new DomainError('no_body', 'Send the ISO file as the request body.');
          }
          const fileName = (q.fileName ?? 'upload.iso').replace(/[\\/]/g, '_').slice(0, 200);
          const declared = Number(req.headers['content-length']);
          try {
            if (q.id !== undefined) {
              checkMediaId(q.id);
              refuseExisting(library.mediaDir, q.id);
            }
          } catch (err) {
            const e = err as MediaImportError;
            throw new DomainError(e.code, e.message, { status: e.status });
          }
          // The upload and the extracted medium both need room: say so before taking the bytes.
          const free = freeBytes(library.mediaDir);
          if (
            Number.isFinite(declared) &&
            free !== null &&
            declared * 2 + 64 * 1024 * 1024 > free
          ) {
            throw new DomainError(
              'no_space',
              `Not enough free space: the ISO (${(declared / 1024 ** 3).toFixed(1)} GiB) needs about twice its size while it is imported, and the station's files disk has ${(free / 1024 ** 3).toFixed(1)} GiB free.`,
              { status: 507 },
            );
          }
          const status = library.beginUpload(
            fileName,
            q.id ?? null,
            Number.isFinite(declared) ? declared : 0,
          );
          const file = library.uploadPath();
          let received = 0;
          const started = Date.now();
          let last = 0;
          const meter = new Transform({
            transform(chunk: Buffer, _enc, done) {
              received += chunk.length;
              const t = Date.now();
              if (t - last > 250) {
                last = t;
                const rate = received / Math.max(0.001, (t - started) / 1000);
                const total = status.bytesTotal || received;
                library.update(status, {
                  bytesDone: received,
                  etaSeconds: Math.round(Math.max(0, total - received) / rate),
                });
              }
              done(null, chunk);
            },
          });
          try {
            await pipeline(body, meter, fs.createWriteStream(file, { flags: 'wx' }));
            if (Number.isFinite(declared) && declared > 0 && received !== declared) {
              throw new Error(`got ${received} of ${declared} bytes`);
            }
          } catch (err) {
            fs.rmSync(file, { force: true });
            const e = err as NodeJS.ErrnoException;
            const message =
              e.code === 'ENOSPC'
                ? "The station's disk ran full while receiving the ISO; nothing was kept. Free space and try again."
                : `The upload ended early (${e.message}); nothing was kept. Try again.`;
            library.update(status, { state: 'failed', error: { code: 'upload_failed', message } });
            throw new DomainError('upload_failed', message, {
              status: e.code === 'ENOSPC' ? 507 : 400,
            });
          }
          library.update(status, { bytesDone: received, bytesTotal: received });
          const run = library
            .import({ source: file, id: q.id, sourceName: fileName }, status)
            .finally(() => fs.rmSync(file, { force: true }));
          if (q.wait === '1' || q.wait === 'true') {
            try {
              const record = await run;
              reply.code(201);
              return record;
            } catch (err) {
              const e = err as MediaImportError;
              throw new DomainError(e.code ?? 'import_failed', e.message, {
                status: e.status ?? 500,
              });
            }
          }
          run.then(
            (m) => ctx.logger.info({ media: m.id, bytes: m.bytes }, 'medium imported'),
            (err: Error) =>
              ctx.logger.warn({ err: err.message, source: fileName }, 'medium import failed'),
          );
          reply.code(202);
          return { ...status };
        },
      );
    });
  };
}

function freeBytes(dir: string): number | null {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
