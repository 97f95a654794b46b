import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams, removed } from '../api/common.js';
import { DomainError, notFound } from '../api/domain-error.js';
import { driverImported, driverPack, driverUploadQuery } from '../api/drivers.js';
import type { StationContext } from '../context.js';
import { route } from '../net/http/contract.js';
import { isUploadContentType } from '../net/http/ui-guard.js';
import { DriverImportError, type DriverLibrary } from './library.js';

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
    const tag = 'drivers';
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/drivers',
        tag,
        summary: 'Every driver pack (vendor, model, WinPE, files, sha256).',
        reply: z.array(driverPack),
      },
      async () => library.list(),
    );
    route(
      app,
      {
        method: 'DELETE',
        url: '/api/v1/drivers/:id',
        tag,
        summary: 'Delete a driver pack.',
        params: idParams,
        reply: removed,
      },
      async ({ params: { id } }) => {
        if (!library.remove(id)) throw notFound(`No driver pack "${id}" in the driver library.`);
        ctx.logger.info({ pack: id }, 'driver pack deleted');
        return { id };
      },
    );
    await app.register(async (upload) => {
      upload.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      route(
        upload,
        {
          method: 'POST',
          url: '/api/v1/drivers',
          tag,
          summary: "Import a vendor's .cab driver pack (the raw body); a folder: the CLI.",
          query: driverUploadQuery,
          reply: driverImported,
          status: [201],
          // A driver pack can be GBs: no overall body deadline, only the minimum rate.
          options: { bodyLimit: 8 * 1024 * 1024 * 1024, config: { longBody: true } },
        },
        async ({ req, reply, query: q }) => {
          // The file's own type: text/plain and forms are what a foreign page can send without
          // a CORS preflight (issue 13 item 3), as for app and media uploads.
          if (!isUploadContentType(req.headers['content-type'])) {
            throw new DomainError(
              'unsupported_media_type',
              'Send the driver pack with its own content type, such as application/octet-stream.',
              { status: 415 },
            );
          }
          const fileName = path.basename(q.fileName ?? '');
          if (!/\.cab$/i.test(fileName)) {
            throw new DomainError(
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
            reply.code(201);
            return { ...pack, source: fileName, replaced: replaced !== null };
          } catch (err) {
            if (err instanceof DriverImportError) {
              const status = err.code === 'tool_missing' ? 503 : 400;
              throw new DomainError(err.code, err.message, { status });
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
