import fs from 'node:fs';
import path from 'node:path';
import { stationPaths } from './config/load.js';
import { optionsSchema, type StationOptions } from './config/options.js';
import { agentScriptRoutes } from './agent/scripts/routes.js';
import { AppLibrary } from './apps/library.js';
import { appRoutes } from './apps/routes.js';
import type { Result } from './api/contract.js';
import { BenchNetwork, type StationContext, type StationPart } from './context.js';
import { openDatabase } from './db/open.js';
import { EventBus } from './events/bus.js';
import { createLogger, flushLogger, type Logger } from './log/logger.js';
import { bootLogPart } from './bootlog/part.js';
import { machineApiDeps, machineApiRoutes } from './machine-api/index.js';
import { createMachines } from './machines/part.js';
import { createMedia } from './media/part.js';
import { DriverLibrary } from './drivers/library.js';
import { driverRoutes } from './drivers/routes.js';
import { createProfileStores, profilesPart } from './profiles/part.js';
import { profileRoutes } from './profiles/routes.js';
import { readinessRoutes, stationReadiness } from './profiles/readiness-routes.js';
import { ClientDirectory } from './net/clients.js';
import { loadOrCreateUiToken } from './net/http/auth.js';
import { createBenchServer, type BenchRoutes } from './net/http/bench-server.js';
import { bootRoutes } from './net/http/boot-routes.js';
import { filesRoutes } from './net/http/files.js';
import { httpPart } from './net/http/http-part.js';
import { LoaderWatch } from './boot/loader-watch.js';
import { loaderWatchPart } from './boot/loader-watch-part.js';
import { tftpPart } from './net/tftp/part.js';
import { dhcpPart } from './net/dhcp/server.js';
import { createUiServer, type UiRoutes } from './net/http/ui-server.js';
import { reportRoutes } from './reports/routes.js';
import { ServiceRegistry } from './services/registry.js';
import { saveConfigValues } from './settings/config-file.js';
import { checkNetworkSettings, listInterfaces, type NetworkSettings } from './settings/network.js';
import { currentNetworkSettings, networkSettingsRoutes } from './settings/routes.js';
import { machineAddressFrom } from './terminal/machine-address.js';
import { terminalPart } from './terminal/part.js';
import { createShopLibraryWiring } from './shop/library/index.js';
import { shopPart } from './shop/part.js';
import { createShopViewWiring } from './shop/view/index.js';
import { summarize } from './machines/summary.js';
import { packageRoot, packageVersion } from './util/package-root.js';

export interface StartOptions {
  /** Log to stdout too (the headless CLI); tests pass false. */
  stdoutLog?: boolean;
  logger?: Logger;
  now?: () => Date;
}

/**
 * The composition root: opens the database, builds the context, starts the parts in order
 * (UI first, so a technician can always see what failed) and stops them in reverse.
 */
export class Station {
  private stopped = false;

  private bootParts: StationPart[] = [];
  private bench: ReturnType<typeof httpPart> | null = null;
  private reconfiguring: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly ctx: StationContext,
    private readonly network: BenchNetwork,
    private readonly parts: StationPart[],
    private readonly ui: ReturnType<typeof httpPart>,
    private readonly benchRoutes: BenchRoutes[],
  ) {}

  static async start(options: StationOptions, start: StartOptions = {}): Promise<Station> {
    const p = stationPaths(options);
    for (const dir of [p.dataDir, p.profilesDir, p.filesDir, p.logsDir]) {
      fs.mkdirSync(dir, { recursive: true });
    }
    const logger =
      start.logger ??
      createLogger({ level: options.logLevel, logsDir: p.logsDir, stdout: start.stdoutLog });
    const bus = new EventBus();
    const now = start.now ?? (() => new Date());
    const db = openDatabase(p.dbFile);
    // The graph, in dependency order: each piece is built from what exists before it, and
    // the context is made once at the end. Nothing is assigned to it afterwards.
    const network = new BenchNetwork(options);
    const paths = { ...p, rendererDir: path.join(packageRoot(), 'dist', 'renderer') };
    const services = new ServiceRegistry(bus, now);
    const clients = new ClientDirectory();
    const loaderWatch = new LoaderWatch();
    const stores = createProfileStores({ paths: p, db, logger, bus, now });
    const apps = new AppLibrary(db, p.filesDir, bus, now);
    // Before the machines: their renderers look media and drivers up.
    const media = createMedia({ paths, logger, bus, now, services });
    const drivers = new DriverLibrary(p.filesDir, now);
    const machines = createMachines(
      withLive(network, {
        paths,
        db,
        logger,
        bus,
        now,
        clients,
        ...stores,
        media: media.library,
        drivers,
      }),
      { packages: apps.lookup },
    );
    const fixed: Omit<StationContext, 'options' | 'benchUrl'> = {
      paths,
      version: packageVersion(),
      db,
      logger,
      bus,
      services,
      uiToken: loadOrCreateUiToken(p.dataDir, options.uiToken),
      now,
      clients,
      loaderWatch,
      boot: machines.boot,
      machineSighted: (s) => machines.lifecycle.benchSighting(s),
      ...stores,
      media: media.library,
      drivers,
    };
    const ctx: StationContext = withLive(network, fixed);
    // Shared profiles, secrets and libraries (issue 20); without --database only a status route.
    const shopLibrary = await createShopLibraryWiring(ctx, { apps, media: media.library, drivers });

    const terminal = terminalPart(ctx, {
      machineAddress: machineAddressFrom(machines.lifecycle),
    });
    const bootLog = bootLogPart(ctx);
    const shop = shopPart(ctx, {
      machineSummary: (id) => {
        const view = machines.lifecycle.get(id);
        return view ? summarize(view) : null;
      },
    });
    const shopView = await createShopViewWiring(ctx);
    const uiRoutes: UiRoutes[] = [
      machines.uiRoutes,
      terminal.routes,
      bootLog.routes,
      appRoutes(apps),
      profileRoutes(shopLibrary.api),
      readinessRoutes(stationReadiness(ctx, apps.lookup, media.library)),
      media.routes,
      driverRoutes(drivers),
      reportRoutes,
      shopLibrary.uiRoutes,
      shop.routes,
      ...(shopView ? [shopView.routes] : []),
    ];
    const benchRoutes: BenchRoutes[] = [
      bootRoutes,
      filesRoutes,
      ...machineApiRoutes(machineApiDeps(machines, ctx)),
      agentScriptRoutes,
      shopLibrary.benchRoutes,
    ];

    const ui = httpPart(ctx, {
      name: 'ui',
      label: 'Dashboard and UI API',
      host: options.uiHost,
      port: options.uiPort,
      option: '--ui-port',
      create: () => createUiServer(ctx, uiRoutes),
    });
    // Parts that do not depend on the bench network settings (watchers, timers): add here.
    const parts: StationPart[] = [
      ui,
      machines.part,
      shop.part,
      ...(shopView ? [shopView.part] : []),
      bootLog.part,
      terminal,
      profilesPart(ctx),
      media.part,
      ...(shopLibrary.part ? [shopLibrary.part] : []),
      // The Secure Boot hint goes on the machine's row and timeline (issue 17).
      loaderWatchPart(ctx, loaderWatch, (hint) => machines.lifecycle.bootHinted(hint)),
    ];
    const station = new Station(ctx, network, parts, ui, benchRoutes);
    uiRoutes.push(networkSettingsRoutes((s) => station.applyNetworkSettings(s)));
    await startAll(ctx, parts);
    await station.startBootParts();
    logger.info(
      { ui: ui.port(), bench: station.benchPort, dataDir: p.dataDir, dhcpMode: options.dhcpMode },
      'station started',
    );
    return station;
  }

  /**
   * The boot services, built from the current options. They depend on the bench network
   * settings, so they are rebuilt when the technician changes them on the Services page.
   * Order matters: the bench listener first (DHCP hands out its URL). Add boot parts here.
   */
  private buildBootParts(): StationPart[] {
    const ctx = this.ctx;
    const o = ctx.options;
    const benchHost = o.httpHost ?? o.benchAddress ?? '127.0.0.1';
    const bench = httpPart(ctx, {
      name: 'bench-http',
      label: 'Bench HTTP (boot scripts, files, agent API)',
      host: benchHost,
      port: o.httpPort,
      option: '--http-port',
      create: () => createBenchServer(ctx, this.benchRoutes),
      // With --http-port 0 the real port is known only now; machines must be told it.
      onListening: (port) => this.network.listening(port),
    });
    this.bench = bench;
    const parts: StationPart[] = [bench, tftpPart(ctx, benchHost)];
    if (o.dhcpMode === 'off') {
      ctx.services.set('dhcp', {
        label: 'DHCP / proxyDHCP',
        state: 'disabled',
        error: 'DHCP is off: this station answers no PXE request.',
        fix: 'Choose the bench network in Services, then proxy mode (beside an existing DHCP server) or full mode (isolated bench).',
      });
    } else {
      parts.push(dhcpPart(ctx));
    }
    return parts;
  }

  private async startBootParts(): Promise<void> {
    this.bootParts = this.buildBootParts();
    await startAll(this.ctx, this.bootParts);
  }

  private async stopBootParts(): Promise<void> {
    await stopAll(this.ctx, this.bootParts);
    this.bootParts = [];
  }

  /**
   * Applies the bench network chosen on the Services page: checks it, saves it to
   * config.yaml, and restarts the boot services with it. The UI listener keeps running.
   */
  async applyNetworkSettings(s: NetworkSettings): Promise<Result<NetworkSettings>> {
    const problem = checkNetworkSettings(s, listInterfaces());
    if (problem) return { ok: false, error: { code: 'invalid_network', message: problem } };
    const values = {
      benchInterface: s.benchInterface ?? undefined,
      benchAddress: s.benchAddress ?? undefined,
      dhcpMode: s.dhcpMode,
      dhcpRange: s.dhcpRange ?? undefined,
      dhcpOverride: s.dhcpOverride ?? false,
      // Absent in the request: keep what is configured; null: remove it.
      dhcpRouter:
        s.dhcpRouter === undefined ? this.ctx.options.dhcpRouter : (s.dhcpRouter ?? undefined),
      dhcpDns: s.dhcpDns === undefined ? this.ctx.options.dhcpDns : s.dhcpDns || undefined,
      dhcpNtp: s.dhcpNtp === undefined ? this.ctx.options.dhcpNtp : s.dhcpNtp || undefined,
      secureBoot: s.secureBoot ?? this.ctx.options.secureBoot,
    };
    const next = optionsSchema.safeParse({ ...this.ctx.options, ...values });
    if (!next.success) {
      const message = next.error.issues.map((i) => i.message).join('; ');
      return { ok: false, error: { code: 'invalid_network', message } };
    }
    // One change at a time: a second click waits for the first restart to finish.
    const run = this.reconfiguring.then(async () => {
      saveConfigValues(path.join(this.ctx.paths.dataDir, 'config.yaml'), values);
      this.ctx.logger.info(
        {
          benchInterface: values.benchInterface,
          benchAddress: values.benchAddress,
          dhcpMode: values.dhcpMode,
        },
        'bench network changed; restarting the boot services',
      );
      await this.stopBootParts();
      this.network.replace(next.data);
      await this.startBootParts();
    });
    this.reconfiguring = run.catch(() => undefined);
    await run;
    return { ok: true, value: currentNetworkSettings(this.ctx.options) };
  }

  get uiPort(): number | null {
    return this.ui.port();
  }

  get benchPort(): number | null {
    return this.bench?.port() ?? null;
  }

  get uiUrl(): string {
    const host = this.ctx.options.uiHost === '0.0.0.0' ? '127.0.0.1' : this.ctx.options.uiHost;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.uiPort ?? this.ctx.options.uiPort}`;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.reconfiguring;
    await this.stopBootParts();
    await stopAll(this.ctx, this.parts);
    this.ctx.bus.close();
    try {
      this.ctx.db.close();
    } catch (err) {
      this.ctx.logger.error({ err }, 'closing the database failed');
    }
    this.ctx.logger.info('station stopped');
    await flushLogger(this.ctx.logger);
  }
}

async function startAll(ctx: StationContext, parts: StationPart[]): Promise<void> {
  for (const part of parts) {
    try {
      await part.start();
    } catch (err) {
      ctx.logger.error({ err, part: part.name }, 'a station part failed to start');
    }
  }
}

async function stopAll(ctx: StationContext, parts: StationPart[]): Promise<void> {
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (err) {
      ctx.logger.error({ err, part: part.name }, 'a station part failed to stop');
    }
  }
}

/**
 * `fixed` with the bench network's two live fields beside it: `options` and `benchUrl` are
 * getters over BenchNetwork (read on each use), so no part keeps a stale copy and no one
 * assigns them.
 */
function withLive<T extends object>(
  network: BenchNetwork,
  fixed: T,
): T & { readonly options: StationOptions; readonly benchUrl: string } {
  return Object.defineProperties(fixed, {
    options: { get: () => network.options, enumerable: true },
    benchUrl: { get: () => network.benchUrl, enumerable: true },
  }) as T & { readonly options: StationOptions; readonly benchUrl: string };
}
