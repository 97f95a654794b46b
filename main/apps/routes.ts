import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { appImportQuery, appPackage } from '../api/apps.js';
import { idParams } from '../api/common.js';
import { DomainError, notFound } from '../api/domain-error.js';
import type { StationContext } from '../context.js';
import { route } from '../net/http/contract.js';
import { isUploadContentType } from '../net/http/ui-guard.js';
import type { AppLibrary } from './library.js';

/**
 * UI API of the app library. POST /api/v1/apps takes the installer as the raw request body
 * (a browser sends a File with fetch as is), streamed to disk and hashed as it arrives;
 * name, version and the original file name come in the query string:
 *   POST /api/v1/apps?name=Mozilla%20Firefox&version=128.5.0&fileName=Firefox.msi[&id=][&sha256=]
 */
export function appRoutes(library: AppLibrary) {
  return async (app: FastifyInstance, ctx: StationContext): Promise<void> => {
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/apps',
        tag: 'apps',
        summary: 'The app library: every imported installer.',
        reply: z.array(appPackage),
      },
      async () => library.list(),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/apps/:id',
        tag: 'apps',
        summary: 'One package of the app library.',
        params: idParams,
        reply: appPackage,
      },
      async ({ params }) => {
        const pkg = library.get(params.id);
        if (!pkg) throw notFound(`No package "${params.id}" in the app library.`);
        return pkg;
      },
    );

    await app.register(async (upload) => {
      // Any content type: the body is passed on as the raw stream, never buffered.
      upload.removeAllContentTypeParsers();
      upload.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      // An installer of gigabytes: no total deadline, only the minimum rate (timeouts.ts).
      upload.addHook('onRoute', (r) => {
        r.config = { ...(r.config ?? {}), longBody: true };
      });
      route(
        upload,
        {
          method: 'POST',
          url: '/api/v1/apps',
          tag: 'apps',
          summary:
            'Import an installer (the raw body, its own content type); 201 new, 200 a new version of a package.',
          query: appImportQuery,
          reply: appPackage,
          status: [201, 200],
        },
        async ({ req, reply, query: q }) => {
          // The file's own type: text/plain and forms are what a foreign page can send
          // without a CORS preflight (issue 13 item 3).
          if (!isUploadContentType(req.headers['content-type'])) {
            throw new DomainError(
              'unsupported_media_type',
              'Send the installer with its own content type, such as application/octet-stream.',
              { status: 415 },
            );
          }
          const body = req.body as Readable | undefined;
          if (!body || typeof body.pipe !== 'function') {
            throw new DomainError('no_body', 'Send the installer file as the request body.');
          }
          const declared = Number(req.headers['content-length']);
          const result = await library.importStream(body, {
            name: q.name,
            version: q.version,
            id: q.id,
            fileName: q.fileName ?? q.filename,
            expectedSha256: q.sha256,
            expectedSize: Number.isFinite(declared) && declared > 0 ? declared : undefined,
          });
          if (!result.ok) {
            req.log.warn(
              { ip: req.ip, name: q.name, code: result.error.code },
              'app import refused',
            );
            throw new DomainError(result.error.code, result.error.message, {
              status: result.status,
            });
          }
          ctx.logger.info(
            { id: result.value.id, version: result.value.version, size: result.value.size },
            'app package imported',
          );
          reply.code(result.replaced ? 200 : 201);
          return result.value;
        },
      );
    });
  };
}
