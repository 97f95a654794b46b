import path from 'node:path';
import type { StationContext, StationPart } from '../context.js';
import type { Db } from '../db/open.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import { packageRoot } from '../util/package-root.js';
import { FileKeyProvider, SecretStore, type KeyProvider } from './secrets.js';
import { ProfileStore } from './store.js';

/**
 * Builds the profile and secret stores for the context. Profiles are read here,
 * synchronously, so the machines registry and the first API request see them at once;
 * the watcher starts with the part.
 */
export function createProfileStores(input: {
  paths: { dataDir: string; profilesDir: string };
  db: Db;
  logger: Logger;
  bus: EventBus;
  now: () => Date;
  keys?: KeyProvider;
}): { profiles: ProfileStore; secrets: SecretStore } {
  const profiles = new ProfileStore({
    dir: input.paths.profilesDir,
    db: input.db,
    logger: input.logger,
    bus: input.bus,
    now: input.now,
    seedDir: path.join(packageRoot(), 'profiles'),
  });
  profiles.load();
  const keys = input.keys ?? new FileKeyProvider(path.join(input.paths.dataDir, 'secrets.key'));
  const secrets = new SecretStore(path.join(input.paths.dataDir, 'secrets.json'), keys, input.now);
  return { profiles, secrets };
}

/** The profiles folder watcher, so edits made in another editor show up live. */
export function profilesPart(ctx: StationContext): StationPart {
  return {
    name: 'profiles',
    async start() {
      try {
        await ctx.profiles.start();
      } catch (err) {
        // Without the watcher the station still works; edits show up after a restart.
        ctx.logger.error({ err, dir: ctx.profiles.dir }, 'cannot watch the profiles folder');
      }
    },
    async stop() {
      await ctx.profiles.stop();
    },
  };
}
