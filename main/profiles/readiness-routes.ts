import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams } from '../api/common.js';
import { profileReadiness, type ProfileReadiness } from '../api/profiles.js';
import type { PackageLookup } from '../agent/plan.js';
import type { StationContext } from '../context.js';
import type { MediaLookup } from '../media/types.js';
import { route } from '../net/http/contract.js';
import { mediumPresent, readinessOf, type ReadinessDeps } from './readiness.js';

/** What the station has now: its secrets, app library and media, looked up on each call. */
export function stationReadiness(
  ctx: Pick<StationContext, 'secrets' | 'paths'>,
  packages: PackageLookup | undefined,
  media?: MediaLookup | null,
): ReadinessDeps {
  return {
    hasSecret: (name) => ctx.secrets.has(name),
    hasPackage: (id) => (packages ? packages(id) !== null : false),
    hasMedium: mediumPresent(ctx.paths.filesDir, media),
  };
}

/**
 * GET /api/v1/profiles-readiness: every customer profile, ready or with the reasons it is
 * not (a missing secret, package or medium), so the Profiles list, the assign dialog and
 * batch creation can say so before a disk is wiped.
 */
export function readinessRoutes(deps: ReadinessDeps) {
  return (app: FastifyInstance, ctx: StationContext): void => {
    const one = (id: string): ProfileReadiness =>
      readinessOf(id, ctx.profiles.get(id)?.profile, deps);
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles-readiness',
        tag: 'profiles',
        summary: 'Every customer profile: ready to deploy, or why not (secret, package, medium).',
        reply: z.array(profileReadiness),
      },
      async () =>
        ctx.profiles
          .list()
          .filter((p) => !p.abstract)
          .map((p) => one(p.id)),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles/:id/readiness',
        tag: 'profiles',
        summary: 'One profile: ready to deploy, or why not.',
        params: idParams,
        reply: profileReadiness,
      },
      async ({ params }) => one(params.id),
    );
  };
}
