import type { FastifyInstance } from 'fastify';
import { sendError } from '../../net/http/errors.js';
import type { ShopLibrary } from './part.js';

/**
 * UI API of the shared libraries: how the sync goes, edits the shop refused (kept here,
 * never lost), a conflict's diff, and giving up a local edit for the shop's version.
 */
export function libraryUiRoutes(app: FastifyInstance, lib: ShopLibrary): void {
  app.get('/api/v1/shop/library', async () => lib.status());

  app.get<{ Params: { id: string } }>('/api/v1/shop/profiles/:id/refused', async (req) =>
    lib.sync.refused(req.params.id),
  );

  app.get<{ Params: { id: string } }>('/api/v1/shop/profiles/:id/conflict', async (req, reply) => {
    try {
      const c = await lib.profiles.conflict(req.params.id);
      if (!c)
        return sendError(
          reply,
          404,
          'not_found',
          `"${req.params.id}" has no conflict with the shop.`,
        );
      return c;
    } catch {
      return sendError(
        reply,
        503,
        'shop_unreachable',
        'The shop database is unreachable; try again when it is back.',
      );
    }
  });

  app.post<{ Params: { id: string } }>(
    '/api/v1/shop/profiles/:id/take-shared',
    async (req, reply) => {
      try {
        const r = await lib.profiles.takeShared(req.params.id);
        if (!r)
          return sendError(reply, 404, 'not_found', `The shop has no profile "${req.params.id}".`);
        if (!r.ok) {
          const why = 'message' in r ? r.message : r.issues.map((i) => i.message).join('; ');
          return sendError(reply, 422, r.code, `The shop version does not resolve here: ${why}`);
        }
        return { ok: true };
      } catch {
        return sendError(
          reply,
          503,
          'shop_unreachable',
          'The shop database is unreachable; try again when it is back.',
        );
      }
    },
  );
}
