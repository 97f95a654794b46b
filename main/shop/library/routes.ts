import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams } from '../../api/common.js';
import { DomainError, notFound } from '../../api/domain-error.js';
import { route } from '../../net/http/contract.js';
import { profileConflict, refusedEdit, shopLibraryStatus } from './api.js';
import type { ShopLibrary } from './part.js';

const unreachable = () =>
  new DomainError('shop_unreachable', 'The shop database is unreachable.', {
    status: 503,
    fix: 'Try again when it is back; this station keeps deploying from its own copies meanwhile.',
  });

/**
 * UI API of the shared libraries: how the sync goes, edits the shop refused (kept here,
 * never lost), a conflict's diff, and giving up a local edit for the shop's version.
 * Without --database only the status route exists and says `enabled: false`.
 */
export function libraryUiRoutes(app: FastifyInstance, lib: ShopLibrary | null): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/shop/library',
      tag: 'shop',
      summary:
        'Shared libraries: connected, profiles not shared yet or in conflict, library files fetched, refused and served.',
      reply: shopLibraryStatus,
    },
    async () =>
      lib?.status() ?? {
        enabled: false,
        connected: false,
        lastError: null,
        lastSyncAt: null,
        keyProblem: null,
        profiles: { pending: [], conflicts: [] },
        fetches: { received: 0, refused: 0, served: 0, denied: 0, lastRefusal: null },
      },
  );
  if (!lib) return;

  route(
    app,
    {
      method: 'POST',
      url: '/api/v1/shop/library/sync',
      tag: 'shop',
      summary:
        'Syncs now: pushes what is not shared yet, takes what changed in the shop, looks at the local libraries again.',
      reply: shopLibraryStatus,
    },
    async () => lib.syncNow(),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/shop/profiles/:id/refused',
      tag: 'shop',
      summary: 'Edits of this profile the shop refused (based on an older version), kept here.',
      params: idParams,
      reply: z.array(refusedEdit),
    },
    async ({ params }) => lib.sync.refused(params.id),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/api/v1/shop/profiles/:id/conflict',
      tag: 'shop',
      summary:
        "An edit made while the database was away that conflicts with the shop's newer version: the diff.",
      params: idParams,
      reply: profileConflict,
    },
    async ({ params }) => {
      const c = await lib.profiles.conflict(params.id).catch(() => {
        throw unreachable();
      });
      if (!c) throw notFound(`"${params.id}" has no conflict with the shop.`);
      return c;
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/api/v1/shop/profiles/:id/take-shared',
      tag: 'shop',
      summary:
        "Replaces this station's unshared edit with the shop's version (the edit stays in the refused list).",
      params: idParams,
      reply: z.object({ ok: z.literal(true) }),
    },
    async ({ params }) => {
      const r = await lib.profiles.takeShared(params.id).catch(() => {
        throw unreachable();
      });
      if (!r) throw notFound(`The shop has no profile "${params.id}".`);
      if (!r.ok) {
        const why = 'message' in r ? r.message : r.issues.map((i) => i.message).join('; ');
        throw new DomainError('invalid_profile', `The shop version does not resolve here: ${why}`, {
          status: 422,
        });
      }
      return { ok: true as const };
    },
  );
}
