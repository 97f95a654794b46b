import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/**
 * A refused WebSocket upgrade (401, 403, 404) leaves its TCP socket with nobody owning it:
 * Node took it away from the HTTP server, and ws never got it. A client that keeps it open
 * would hold the socket forever and make the listener's close wait for it. So: any upgrade
 * socket that ws has not taken within `ms` is destroyed, and all are destroyed on close.
 */
export function guardUpgrades(app: FastifyInstance, ms = 5000): void {
  const orphans = new Set<Duplex>();
  app.server.on('upgrade', (_req, socket: Duplex) => {
    orphans.add(socket);
    const timer = setTimeout(() => {
      if (orphans.has(socket)) socket.destroy();
    }, ms);
    timer.unref();
    socket.once('close', () => {
      orphans.delete(socket);
      clearTimeout(timer);
    });
  });
  app.websocketServer.on('connection', (_ws, req) => orphans.delete(req.socket));
  app.addHook('preClose', async () => {
    for (const s of orphans) s.destroy();
    orphans.clear();
  });
}
