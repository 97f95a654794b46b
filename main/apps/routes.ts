import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import { isUploadContentType } from '../net/http/ui-guard.js';
import type { AppLibrary } from './library.js';

type Query = Record<string, string | undefined>;

/**
 * UI API of the app library. POST /api/v1/apps takes the installer as the raw request body
 * (a browser sends a File with fetch as is), streamed to disk and hashed as it arrives;
 * name, version and the original file name come in the query string:
 *   POST /api/v1/apps?name=Mozilla%20Firefox&version=128.5.0&fileName=Firefox.msi[&id=][&sha256=]
 */
export function appRoutes(library: AppLibrary) {
  return async (app: FastifyInstance, ctx: StationContext): Promise<void> => {
    app.get('/api/v1/apps', async () => ({ ok: true, value: library.list() }));
    app.get('/api/v1/apps/:id', async (req, reply) => {
      const { id } = req.params as { id: string };
      const pkg = library.get(id);
      if (!pkg) return sendError(reply, 404, 'not_found', `No package "${id}" in the app library.`);
      return { ok: true, value: pkg };
    });

    await app.register(async (upload) => {
      // Any content type: the body is passed on as the raw stream, never buffered.
      upload.removeAllContentTypeParsers();
      upload.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      // An installer of gigabytes: no total deadline, only the minimum rate (timeouts.ts).
      upload.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), longBody: true };
      });
      upload.post('/api/v1/apps', async (req: FastifyRequest, reply) => {
        // The file's own type: text/plain and forms are what a foreign page can send
        // without a CORS preflight (issue 13 item 3).
        if (!isUploadContentType(req.headers['content-type'])) {
          return sendError(
            reply,
            415,
            'unsupported_media_type',
            'Send the installer with its own content type, such as application/octet-stream.',
          );
        }
        const q = (req.query ?? {}) as Query;
        const body = req.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function') {
          return sendError(reply, 400, 'no_body', 'Send the installer file as the request body.');
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
          req.log.warn({ ip: req.ip, name: q.name, code: result.error.code }, 'app import refused');
          return sendError(reply, result.status, result.error.code, result.error.message);
        }
        ctx.logger.info(
          { id: result.value.id, version: result.value.version, size: result.value.size },
          'app package imported',
        );
        return reply.code(result.replaced ? 200 : 201).send({ ok: true, value: result.value });
      });
    });
  };
}
