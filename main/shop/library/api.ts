import { z } from 'zod';
import { DomainError } from '../../api/domain-error.js';
import type { ProfileConflict } from './types.js';

/**
 * The shared libraries' part of the UI API: schemas (validation, types and the OpenAPI
 * document at once) and the 409 a refused profile save answers.
 */
export const shopLibraryStatus = z.object({
  enabled: z.boolean(),
  connected: z.boolean(),
  lastError: z.string().nullable(),
  lastSyncAt: z.string().nullable(),
  keyProblem: z.string().nullable(),
  profiles: z.object({
    pending: z.array(z.string()),
    conflicts: z.array(z.object({ id: z.string(), note: z.string().nullable() })),
  }),
  fetches: z.object({
    received: z.number(),
    refused: z.number(),
    served: z.number(),
    denied: z.number(),
    lastRefusal: z.string().nullable(),
  }),
});

export const refusedEdit = z.object({
  id: z.number(),
  profileId: z.string(),
  baseVersion: z.number(),
  headVersion: z.number(),
  text: z.string(),
  author: z.string(),
  refusedAt: z.string(),
});

export const profileConflict = z.object({
  profileId: z.string(),
  baseVersion: z.number(),
  current: z.object({
    version: z.number(),
    hash: z.string(),
    author: z.string(),
    stationId: z.string(),
    savedAt: z.string(),
  }),
  refusedId: z.number().nullable(),
  diff: z.string(),
  message: z.string(),
});

/** The profile save route's 409: the diff and where the refused text is kept, as details. */
export function profileConflictError(conflict: ProfileConflict): DomainError {
  return new DomainError('profile_conflict', conflict.message, {
    status: 409,
    fix: `Open the shop's version ${conflict.current.version}, apply your change to it and save again (send its textHash as baseHash).`,
    details: conflict,
  });
}
