import type { PackageLookup } from '../agent/plan.js';
import { AgentTokens, loadOrCreateAgentKey } from '../agent/tokens.js';
import type { BootResolver } from '../boot/types.js';
import type { StationContext, StationPart } from '../context.js';
import type { UiRoutes } from '../net/http/ui-server.js';
import type { MediaLookup } from '../media/types.js';
import type { ProfileStore } from '../profiles/store.js';
import type { SecretStore } from '../profiles/secrets.js';
import { stationReadiness } from '../profiles/readiness-routes.js';
import { Assigner } from './assigner.js';
import { machineBootResolver, type InstallScript } from './boot-resolver.js';
import { DiscoveryLimiter } from './discovery-limit.js';
import { cachedEstimates } from './estimates.js';
import { machineEventsToBus } from './events.js';
import { MachineLifecycle } from './lifecycle.js';
import { directoryProfiles, type ProfileLookup } from './profile-lookup.js';
import { MachineRegistry } from './registry.js';
import {
  profileAnswerFiles,
  profileBootPreflight,
  profileInstallScript,
  profilePlanParams,
  type AnswerFileRenderer,
} from './renderers.js';
import { machineUiRoutes } from './routes.js';
import { MachineStore } from './store.js';
import type { MachineView } from './types.js';
import { benchBroadcast, sendMagicPacket, WOL_PORT, type WakeTarget } from './wake.js';

/**
 * What the machines part is built from: the station's pieces it uses, nothing more.
 * `options` and `benchUrl` are read on each use (the bench network can change). The
 * profile and secret stores are optional so a test can build the part without them; then
 * nothing is rendered from profiles (installer, answer files, plan values).
 */
export type MachinesContext = Pick<
  StationContext,
  'options' | 'benchUrl' | 'paths' | 'db' | 'logger' | 'bus' | 'now' | 'clients'
> & {
  profiles?: ProfileStore;
  secrets?: SecretStore;
  media?: MediaLookup;
  drivers?: StationContext['drivers'];
};

export interface MachinesOptions {
  /** Resolved profiles; default: the profile store, else the profiles dir read directly. */
  profiles?: () => ProfileLookup;
  installScript?: () => InstallScript | null;
  answerFile?: () => AnswerFileRenderer | null;
  packages?: PackageLookup;
  /** The media library, where there is one (a profile's medium must be on the station). */
  media?: MediaLookup | null;
}

/** The bench network's broadcast, or why there is none (never any other network). */
function wakeTarget(ctx: MachinesContext): WakeTarget | { error: string } {
  const from = ctx.options.benchAddress;
  if (!from) {
    return {
      error:
        'Choose the bench network in Services first: wake-on-LAN goes out on the bench network only.',
    };
  }
  const to = benchBroadcast(from);
  if (!to) return { error: `No interface of this station holds the bench address ${from}.` };
  return { from, to, port: WOL_PORT };
}

export interface Machines {
  /**
   * The one entry point: every command that moves a machine (lifecycle.ts). The registry,
   * assigner and store stay inside this part: nothing else appends to a machine's log.
   */
  lifecycle: MachineLifecycle;
  tokens: AgentTokens;
  boot: BootResolver;
  uiRoutes: UiRoutes;
  /** Renders a machine's answer files; null when profiles cannot be rendered here. */
  answerFile: () => AnswerFileRenderer | null;
  /** Per-machine values for the agent plan's step params (expected hostname, join target). */
  planParams: (view: MachineView) => Record<string, Record<string, unknown>>;
  /** The stall timer. */
  part: StationPart;
}

/**
 * The machines registry, assignment, lifecycle and boot resolver, built for one station.
 * The registry is rebuilt from the event log here, before any listener opens, so the
 * first request after a restart already sees every machine as it was. The routes that
 * machines call with their token are built by the station from `lifecycle` (main/machine-api).
 */
export function createMachines(ctx: MachinesContext, opts: MachinesOptions = {}): Machines {
  const store = new MachineStore(ctx.db);
  const tokens = new AgentTokens(loadOrCreateAgentKey(ctx.paths.dataDir));
  const logger = ctx.logger.child({ svc: 'machines' });
  const discovery = new DiscoveryLimiter();
  const events = machineEventsToBus(ctx.bus);
  const registry = new MachineRegistry({
    store,
    events,
    logger,
    now: ctx.now,
    tokens,
    admitNew: (ip) => discovery.admit(ip),
  });
  const profileStore = ctx.profiles;
  const fallback = directoryProfiles(ctx.paths.profilesDir);
  const profiles =
    opts.profiles ??
    (() =>
      profileStore
        ? {
            get(id: string) {
              const r = profileStore.get(id);
              return r ? { profile: r.profile, version: r.hash } : null;
            },
          }
        : fallback);
  const assigner = new Assigner({
    registry,
    store,
    events,
    logger,
    now: ctx.now,
    profiles,
    packages: opts.packages,
  });
  const lifecycle = new MachineLifecycle({
    registry,
    assigner,
    store,
    clients: ctx.clients,
    logger,
    now: ctx.now,
  });
  const entries = registry.load();
  logger.info({ machines: registry.list().length, entries }, 'machines loaded from the event log');

  // Rendering from profiles needs both stores; a test without them renders its own way.
  const stores =
    ctx.profiles && ctx.secrets ? { profiles: ctx.profiles, secrets: ctx.secrets } : null;
  const installFromProfile = stores ? profileInstallScript(ctx, stores, registry, tokens) : null;
  const answerFromProfile = stores ? profileAnswerFiles(ctx, stores, registry, tokens) : null;
  const planParams = stores ? profilePlanParams(ctx, stores, registry) : () => ({});
  const preflight =
    stores && !opts.installScript
      ? profileBootPreflight(
          ctx,
          stores,
          registry,
          stationReadiness(
            { secrets: stores.secrets, paths: ctx.paths },
            opts.packages,
            opts.media,
          ),
          tokens,
        )
      : null;
  const boot = machineBootResolver({
    lifecycle,
    tokens,
    benchUrl: () => ctx.benchUrl,
    addressOwner: (ip) => ctx.clients.dhcpMacFor(ip),
    installScript: opts.installScript ?? (() => installFromProfile),
    // A test's own installScript renders without profiles: no preflight then.
    preflight: () => preflight,
    logger,
  });

  let timer: NodeJS.Timeout | null = null;
  const part: StationPart = {
    name: 'machines',
    async start() {
      const stallMs = ctx.options.stallMinutes * 60_000;
      timer = setInterval(
        () => lifecycle.scanStalls(stallMs),
        Math.max(1000, Math.min(60_000, stallMs / 4)),
      );
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };

  return {
    lifecycle,
    tokens,
    boot,
    answerFile: opts.answerFile ?? (() => answerFromProfile),
    planParams,
    uiRoutes: machineUiRoutes({
      lifecycle,
      registry,
      assigner,
      store,
      wake: {
        target: () => wakeTarget(ctx),
        send: sendMagicPacket,
      },
      estimates: cachedEstimates(
        () => store.allEntries(),
        () => ctx.now().getTime(),
      ),
    }),
    part,
  };
}
