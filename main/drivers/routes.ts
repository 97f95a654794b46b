import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import { isUploadContentType } from '../net/http/ui-guard.js';
import { DriverImportError, type DriverLibrary } from './library.js';

type Query = Record<string, string | undefined>;

/**
 * UI API of the driver library.
 *   GET    /api/v1/drivers                          every pack (vendor, model, WinPE, files, sha256)
 *   POST   /api/v1/drivers?vendor=V&model=M[&winpe=1][&id=ID]&fileName=X.cab   the CAB as the body
 *   DELETE /api/v1/drivers/:id
 * A folder of drivers is imported with the CLI (prepstation drivers import FOLDER); a browser
 * sends a vendor's .cab. The upload is streamed to a temporary file, then imported whole.
 */
export function driverRoutes(library: DriverLibrary) {
  return async (app: FastifyInstance, ctx: StationContext): Promise<void> => {
    app.get('/api/v1/drivers', async () => ({ ok: true, value: library.list() }));
    app.delete('/api/v1/drivers/:id', async (req, reply) => {
      const { id } = req.params as { id: string };
      if (!library.remove(id)) {
        return sendError(reply, 404, 'not_found', `No driver pack "${id}" in the driver library.`);
      }
      ctx.logger.info({ pack: id }, 'driver pack deleted');
      return { ok: true, value: { id } };
    });
    await app.register(async (upload) => {
      upload.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      upload.post(
        '/api/v1/drivers',
        // A driver pack can be GBs: no overall body deadline, only the minimum rate.
        { bodyLimit: 8 * 1024 * 1024 * 1024, config: { longBody: true } },
        async (req, reply) => {
          // The file's own type: text/plain and forms are what a foreign page can send without
          // a CORS preflight (issue 13 item 3), as for app and media uploads.
          if (!isUploadContentType(req.headers['content-type'])) {
            (req.body as Readable | undefined)?.resume?.();
            return sendError(
              reply,
              415,
              'unsupported_media_type',
              'Send the driver pack with its own content type, such as application/octet-stream.',
            );
          }
          const q = req.query as Query;
          const fileName = path.basename(q.fileName ?? '');
          if (!/\.cab$/i.test(fileName)) {
            (req.body as Readable).resume();
            return sendError(
              reply,
              400,
              'bad_request',
              'Upload a .cab driver pack (fileName=X.cab); import a folder with prepstation drivers import FOLDER.',
            );
          }
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-drivers-'));
          const file = path.join(dir, `${crypto.randomBytes(4).toString('hex')}-${fileName}`);
          try {
            await pipeline(req.body as Readable, fs.createWriteStream(file, { flags: 'wx' }));
            const { pack, replaced } = await library.import({
              source: file,
              vendor: q.vendor ?? '',
              model: q.model ?? '',
              winpe: q.winpe === '1' || q.winpe === 'true',
              ...(q.id ? { id: q.id } : {}),
            });
            ctx.logger.info(
              { pack: pack.id, files: pack.files, sha256: pack.sha256 },
              'driver pack imported',
            );
            return reply.code(201).send({
              ok: true,
              value: { ...pack, source: fileName },
              replaced: replaced !== null,
            });
          } catch (err) {
            if (err instanceof DriverImportError) {
              const status = err.code === 'tool_missing' ? 503 : 400;
              return sendError(reply, status, err.code, err.message);
            }
            throw err;
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      );
    });
  };
}
