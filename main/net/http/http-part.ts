import type { FastifyInstance } from 'fastify';
import type { StationContext, StationPart } from '../../context.js';
import { explainListenError } from '../../services/registry.js';

/** A fastify server as a station part: listens, records its state, closes on stop. */
export function httpPart(
  ctx: Pick<StationContext, 'services' | 'logger'>,
  spec: {
    name: string;
    label: string;
    host: string;
    port: number;
    option: string;
    create: () => Promise<FastifyInstance>;
    onListening?: (port: number) => void;
  },
): StationPart & { app: () => FastifyInstance | null; port: () => number | null } {
  let app: FastifyInstance | null = null;
  let boundPort: number | null = null;
  return {
    name: spec.name,
    app: () => app,
    port: () => boundPort,
    async start() {
      ctx.services.set(spec.name, { label: spec.label, state: 'starting', address: null });
      try {
        app = await spec.create();
        await app.listen({ host: spec.host, port: spec.port });
        const addr = app.server.address();
        boundPort = typeof addr === 'object' && addr ? addr.port : spec.port;
        const address = `${spec.host}:${boundPort}`;
        ctx.services.set(spec.name, { state: 'running', address });
        spec.onListening?.(boundPort);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const { error, fix } = e.code
          ? explainListenError(e, {
              proto: 'tcp',
              host: spec.host,
              port: spec.port,
              option: spec.option,
            })
          : { error: e.message, fix: 'See the station log for details.' };
        ctx.logger.error({ err: e, service: spec.name }, `${spec.label} could not start: ${error}`);
        ctx.services.set(spec.name, { state: 'failed', error, fix, address: null });
        await app?.close().catch(() => undefined);
        app = null;
      }
    },
    async stop() {
      if (!app) return;
      await app.close();
      app = null;
      ctx.services.set(spec.name, { state: 'stopped' });
    },
  };
}
