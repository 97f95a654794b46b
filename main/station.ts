import fs from 'node:fs';
import path from 'node:path';
import { stationPaths } from './config/load.js';
import type { StationOptions } from './config/options.js';
import type { StationContext, StationPart } from './context.js';
import { openDatabase } from './db/open.js';
import { unknownMachines } from './boot/types.js';
import { EventBus } from './events/bus.js';
import { createLogger, flushLogger, type Logger } from './log/logger.js';
import { ClientDirectory } from './net/clients.js';
import { loadOrCreateUiToken } from './net/http/auth.js';
import { createBenchServer, type BenchRoutes } from './net/http/bench-server.js';
import { httpPart } from './net/http/http-part.js';
import { createUiServer, type UiRoutes } from './net/http/ui-server.js';
import { ServiceRegistry } from './services/registry.js';
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

  private constructor(
    readonly ctx: StationContext,
    private readonly parts: StationPart[],
    private readonly ui: ReturnType<typeof httpPart>,
    private readonly bench: ReturnType<typeof httpPart>,
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
    const benchHost = options.httpHost ?? options.benchAddress ?? '127.0.0.1';
    const announced = options.benchAddress ?? (benchHost === '0.0.0.0' ? '127.0.0.1' : benchHost);
    const ctx: StationContext = {
      options,
      paths: { ...p, rendererDir: path.join(packageRoot(), 'dist', 'renderer') },
      version: packageVersion(),
      db,
      logger,
      bus,
      services: new ServiceRegistry(bus, now),
      uiToken: loadOrCreateUiToken(p.dataDir, options.uiToken),
      benchUrl: `http://${announced}:${options.httpPort}`,
      now,
      clients: new ClientDirectory(),
      boot: unknownMachines,
    };

    const uiRoutes: UiRoutes[] = [];
    const benchRoutes: BenchRoutes[] = [];

    const ui = httpPart(ctx, {
      name: 'ui',
      label: 'Dashboard and UI API',
      host: options.uiHost,
      port: options.uiPort,
      option: '--ui-port',
      create: () => createUiServer(ctx, uiRoutes),
    });
    const bench = httpPart(ctx, {
      name: 'bench-http',
      label: 'Bench HTTP (boot scripts, files, agent API)',
      host: benchHost,
      port: options.httpPort,
      option: '--http-port',
      create: () => createBenchServer(ctx, benchRoutes),
      // With --http-port 0 the real port is known only now; machines must be told it.
      onListening: (port) => {
        ctx.benchUrl = `http://${announced}:${port}`;
      },
    });

    const parts: StationPart[] = [ui, bench];
    const station = new Station(ctx, parts, ui, bench);
    for (const part of parts) {
      try {
        await part.start();
      } catch (err) {
        logger.error({ err, part: part.name }, 'a station part failed to start');
      }
    }
    if (options.dhcpMode === 'off') {
      ctx.services.set('dhcp', {
        label: 'DHCP / proxyDHCP',
        state: 'disabled',
        error: 'DHCP is off: this station answers no PXE request.',
        fix: 'Choose the bench network in Services, then proxy mode (beside an existing DHCP server) or full mode (isolated bench).',
      });
    }
    logger.info(
      { ui: ui.port(), bench: bench.port(), dataDir: p.dataDir, dhcpMode: options.dhcpMode },
      'station started',
    );
    return station;
  }

  get uiPort(): number | null {
    return this.ui.port();
  }

  get benchPort(): number | null {
    return this.bench.port();
  }

  get uiUrl(): string {
    const host = this.ctx.options.uiHost === '0.0.0.0' ? '127.0.0.1' : this.ctx.options.uiHost;
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.uiPort ?? this.ctx.options.uiPort}`;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const part of [...this.parts].reverse()) {
      try {
        await part.stop();
      } catch (err) {
        this.ctx.logger.error({ err, part: part.name }, 'a station part failed to stop');
      }
    }
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
