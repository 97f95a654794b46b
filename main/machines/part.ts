import { answerFileRoutes, type AnswerFileRenderer } from '../agent/answer-routes.js';
import type { PackageLookup } from '../agent/plan.js';
import { secretValuesOf } from '../agent/mask.js';
import { agentRoutes, type AgentDeps } from '../agent/routes.js';
import { AgentTokens, loadOrCreateAgentKey } from '../agent/tokens.js';
import type { BootResolver } from '../boot/types.js';
import type { StationContext, StationPart } from '../context.js';
import type { BenchRoutes } from '../net/http/bench-server.js';
import type { Profile } from '../profiles/schema.js';
import type { UiRoutes } from '../net/http/ui-server.js';
import type { MediaLookup } from '../media/types.js';
import { Assigner } from './assigner.js';
import { DiscoveryLimiter } from './discovery-limit.js';
import { cachedEstimates } from './estimates.js';
import { installerEventRoutes } from './installer-events.js';
import { benchBroadcast, sendMagicPacket, WOL_PORT, type WakeTarget } from './wake.js';
import { machineBootResolver, type InstallScript } from './boot-resolver.js';
import { directoryProfiles, type ProfileLookup } from './profile-lookup.js';
import { MachineRegistry } from './registry.js';
import { stationReadiness } from '../profiles/readiness-routes.js';
import {
  profileAnswerFiles,
  profileBootPreflight,
  profileInstallScript,
  profilePlanParams,
} from './renderers.js';
import { machineUiRoutes } from './routes.js';
import { MachineStore } from './store.js';

export interface MachinesOptions {
  /** Resolved profiles; default: the profile store on the context, else the profiles dir. */
  profiles?: () => ProfileLookup;
  installScript?: () => InstallScript | null;
  answerFile?: () => AnswerFileRenderer | null;
  packages?: PackageLookup;
  /** The media library, where there is one (a profile's medium must be on the station). */
  media?: MediaLookup | null;
}

/** The shape of the profile store (main/profiles/store.ts) that the registry reads. */
interface StoreLike {
  get(id: string): { profile: Profile; hash: string } | undefined;
}

/**
 * The profile store on the context once the profiles part puts it there (ctx.profiles),
 * else the profiles dir read directly; looked up on each use, so wiring order is free.
 */
function contextProfiles(ctx: StationContext): () => ProfileLookup {
  const fallback = directoryProfiles(ctx.paths.profilesDir);
  return () => {
    const store = (ctx as unknown as { profiles?: StoreLike }).profiles;
    if (!store || typeof store.get !== 'function') return fallback;
    return {
      get(id) {
        const r = store.get(id);
        return r ? { profile: r.profile, version: r.hash } : null;
      },
    };
  };
}

/** Tests may build the machines part on a context without the profile and secret stores. */
function hasProfiles(ctx: StationContext): boolean {
  const c = ctx as Partial<StationContext>;
  return !!c.profiles && !!c.secrets;
}

/** The bench network's broadcast, or why there is none (never any other network). */
function wakeTarget(ctx: StationContext): WakeTarget | { error: string } {
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
  registry: MachineRegistry;
  assigner: Assigner;
  tokens: AgentTokens;
  store: MachineStore;
  boot: BootResolver;
  uiRoutes: UiRoutes;
  benchRoutes: BenchRoutes[];
  /** The stall timer, and learning machines from the boot log. */
  part: StationPart;
}

/**
 * The machines registry, assignment, agent API and boot resolver, built for one station.
 * The registry is rebuilt from the event log here, before any listener opens, so the
 * first request after a restart already sees every machine as it was.
 */
export function createMachines(ctx: StationContext, opts: MachinesOptions = {}): Machines {
  const store = new MachineStore(ctx.db);
  const tokens = new AgentTokens(loadOrCreateAgentKey(ctx.paths.dataDir));
  const logger = ctx.logger.child({ svc: 'machines' });
  const discovery = new DiscoveryLimiter();
  const registry = new MachineRegistry({
    store,
    bus: ctx.bus,
    logger,
    now: ctx.now,
    tokens,
    admitNew: (ip) => discovery.admit(ip),
  });
  const profiles = opts.profiles ?? contextProfiles(ctx);
  const assigner = new Assigner({
    registry,
    store,
    bus: ctx.bus,
    logger,
    now: ctx.now,
    profiles,
    packages: opts.packages,
  });
  const entries = registry.load();
  logger.info({ machines: registry.list().length, entries }, 'machines loaded from the event log');

  const boot = machineBootResolver({
    registry,
    tokens,
    benchUrl: () => ctx.benchUrl,
    addressOwner: (ip) => ctx.clients.dhcpMacFor(ip),
    installScript: opts.installScript ?? (() => (hasProfiles(ctx) ? installFromProfile : null)),
    // A test's own installScript renders without profiles: no preflight then.
    preflight: () => (hasProfiles(ctx) && !opts.installScript ? preflight : null),
    logger,
  });
  const planParams = profilePlanParams(ctx, registry);
  const secretValues = hasProfiles(ctx) ? secretValuesOf(ctx.secrets) : null;
  const agentDeps: AgentDeps = {
    registry,
    tokens,
    planParams: (view) => (hasProfiles(ctx) ? planParams(view) : {}),
    revealSecret: (name) => (hasProfiles(ctx) ? ctx.secrets.reveal(name) : undefined),
    maskValues: () => [ctx.uiToken, ...(secretValues?.() ?? [])],
    ownAddresses: (view) => {
      // Only entries a machine's own requests write (never a sighting, which a claim makes).
      const own = new Set<string>();
      for (let after = 0; ;) {
        const page = store.entriesOf(view.id, after, 5000);
        for (const e of page) {
          const d = e.data;
          if (e.deployment !== view.deployment) continue;
          if (
            d.kind === 'booting' ||
            d.kind === 'installing-os' ||
            d.kind === 'answer-file' ||
            d.kind === 'provisioning'
          ) {
            own.add(d.ip);
          }
        }
        if (page.length < 5000) break;
        after = page.at(-1)!.id;
      }
      return own;
    },
  };
  const installFromProfile = profileInstallScript(ctx, registry, tokens);
  const answerFromProfile = profileAnswerFiles(ctx, registry, tokens);
  const preflight = profileBootPreflight(
    ctx,
    registry,
    stationReadiness(ctx, opts.packages, opts.media),
    tokens,
  );

  let timer: NodeJS.Timeout | null = null;
  let offBus: (() => void) | null = null;
  const stallMs = ctx.options.stallMinutes * 60_000;

  const part: StationPart = {
    name: 'machines',
    async start() {
      // Any DHCP/TFTP/HTTP request with a MAC tells the registry a machine is there.
      offBus = ctx.bus.on((e) => {
        if (e.type !== 'boot' || !e.mac) return;
        const data = e.data ?? {};
        const ip =
          e.client && e.client !== '0.0.0.0' ? e.client.replace(/^::ffff:/, '') : undefined;
        try {
          registry.sighting({
            mac: e.mac,
            via: e.protocol,
            ...(typeof data.uuid === 'string' ? { uuid: data.uuid } : {}),
            ...(ip ? { ip } : {}),
          });
        } catch (err) {
          logger.warn(
            { err: (err as Error).message, mac: e.mac, client: e.client },
            'boot log event not registered',
          );
        }
      });
      timer = setInterval(
        () => registry.scanStalls(stallMs),
        Math.max(1000, Math.min(60_000, stallMs / 4)),
      );
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      offBus?.();
      offBus = null;
    },
  };

  return {
    registry,
    assigner,
    tokens,
    store,
    boot,
    uiRoutes: machineUiRoutes({
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
    benchRoutes: [
      agentRoutes(agentDeps),
      installerEventRoutes(agentDeps),
      answerFileRoutes(
        agentDeps,
        opts.answerFile ?? (() => (hasProfiles(ctx) ? answerFromProfile : null)),
      ),
    ],
    part,
  };
}
