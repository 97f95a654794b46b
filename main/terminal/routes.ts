import fastifyWebsocket from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { TerminalInfo } from '../api/contract.js';
import type { StationContext } from '../context.js';
import { maskUrl } from '../log/logger.js';
import { TOKEN_COOKIE, bearer, tokenMatches } from '../net/http/auth.js';
import { sendError } from '../net/http/errors.js';
import type { UiRoutes } from '../net/http/ui-server.js';
import { localShell, sshCommand, type SpawnSpec } from './command.js';
import type { MachineAddressLookup } from './machine-address.js';
import { TerminalError, type TerminalManager } from './manager.js';
import { originAllowed } from './origin.js';
import { createTerminalBody, parseClientMessage } from './protocol.js';
import type { TerminalSocket } from './session.js';
import { guardUpgrades } from './upgrade-guard.js';
import { assertNever } from '../util/assert-never.js';

export interface TerminalRouteDeps {
  manager: TerminalManager;
  /** Path of the ssh client, or why there is none and how to install it. */
  ssh: () => { path: string } | { missing: string };
  knownHostsFile: string;
  /** A machine's last address, from the machines part (machine-address.ts). */
  machineAddress: MachineAddressLookup;
  /** WebSocket keepalive: a tab that does not answer a ping within this is dropped. */
  pingMs?: number;
}

const DEFAULT_SIZE = { cols: 80, rows: 24 };

/**
 * The terminal API, on the UI listener only: a terminal is a remote shell on the station,
 * the most sensitive route there is. Besides the UI server's own token hook, every route
 * here checks the token again (WebSocket upgrades included) and refuses browsers' requests
 * from any origin but this listener's own.
 */
export function terminalRoutes(deps: TerminalRouteDeps): UiRoutes {
  return async (app, ctx) => {
    // Another part may have registered the plugin already (it decorates the root server).
    if (!app.hasDecorator('websocketServer')) {
      await app.register(fastifyWebsocket, { options: { maxPayload: 2 * 1024 * 1024 } });
    }
    guardUpgrades(app);
    const lookup = deps.machineAddress;
    await app.register(
      async (r) => {
        r.addHook('onRequest', async (req, reply) => guard(ctx, req, reply));
        r.get('/', async () => deps.manager.list());
        r.post('/', async (req, reply) => openTerminal(deps, ctx, lookup, req, reply));
        r.delete<{ Params: { id: string } }>('/:id', async (req, reply) => {
          const closed = await deps.manager.close(req.params.id, 'closed from the UI');
          if (!closed) return sendError(reply, 404, 'not_found', 'No such terminal; it has ended.');
          return { ok: true };
        });
        r.get<{ Params: { id: string } }>(
          '/:id/socket',
          {
            websocket: true,
            // Refuse before the upgrade, so the browser sees a plain 404 and no socket.
            preHandler: async (req, reply) => {
              if (!deps.manager.get(req.params.id)) {
                return sendError(reply, 404, 'not_found', 'No such terminal; it has ended.');
              }
            },
          },
          (socket, req) => bridge(deps, ctx, socket, req.params.id),
        );
      },
      { prefix: '/api/v1/terminals' },
    );
  };
}

async function guard(
  ctx: StationContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | void> {
  const given = bearer(req.headers.authorization) ?? req.cookies[TOKEN_COOKIE];
  if (!tokenMatches(given, ctx.uiToken)) {
    req.log.warn({ url: maskUrl(req.url), ip: req.ip }, 'terminal request without a valid token');
    return sendError(reply, 401, 'unauthorized', 'A terminal needs the station token.');
  }
  const origin = req.headers.origin;
  const port = req.raw.socket?.localPort ?? ctx.options.uiPort;
  if (!originAllowed(origin, { host: ctx.options.uiHost, port })) {
    req.log.warn(
      { origin, ip: req.ip, url: maskUrl(req.url) },
      'terminal request from a foreign page refused',
    );
    return sendError(
      reply,
      403,
      'forbidden_origin',
      'Terminals open only from the PrepStation dashboard itself, not from another page.',
    );
  }
}

async function openTerminal(
  deps: TerminalRouteDeps,
  ctx: StationContext,
  lookup: MachineAddressLookup,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | TerminalInfo> {
  const parsed = createTerminalBody.safeParse(req.body);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    return sendError(reply, 400, 'invalid_body', message);
  }
  const body = parsed.data;
  let spec: SpawnSpec;
  let machineId: string | null = null;
  if (body.kind === 'local') {
    spec = localShell();
  } else {
    const ssh = deps.ssh();
    if ('missing' in ssh) return sendError(reply, 503, 'ssh_missing', ssh.missing);
    let host = body.host;
    let alias: string | undefined;
    if (body.machineId) {
      const m = await lookup(body.machineId);
      if (!m.ok && !host) return sendError(reply, m.status, m.code, m.message);
      if (m.ok) {
        machineId = body.machineId;
        host ??= m.ip;
        alias = `prepstation-${body.machineId}-${m.deployment}`;
      }
    }
    spec = sshCommand(
      { user: body.user, host: host!, port: body.port, hostKeyAlias: alias },
      deps.knownHostsFile,
      ssh.path,
    );
  }
  try {
    const s = deps.manager.open({
      ...spec,
      kind: body.kind,
      machineId,
      cols: body.cols ?? DEFAULT_SIZE.cols,
      rows: body.rows ?? DEFAULT_SIZE.rows,
    });
    return reply.code(201).send({ ...s.info });
  } catch (err) {
    if (err instanceof TerminalError) return sendError(reply, err.status, err.code, err.message);
    throw err;
  }
}

/** Joins one WebSocket to its session: output as binary frames, control as JSON text. */
function bridge(deps: TerminalRouteDeps, ctx: StationContext, ws: WebSocket, id: string): void {
  const session = deps.manager.get(id);
  if (!session) {
    ws.close(4404, 'no such terminal');
    return;
  }
  const socket: TerminalSocket = {
    sendFrame: (frame, written) => {
      if (ws.readyState !== ws.OPEN) return written();
      ws.send(frame, { binary: true }, () => written());
    },
    sendMessage: (msg) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    },
    close: (code, reason) => ws.close(code, reason),
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const msg = parseClientMessage(data.toString('utf8'));
    if (!msg) {
      ctx.logger.debug({ terminal: id }, 'unknown terminal message ignored');
      return;
    }
    switch (msg.type) {
      case 'input':
        return session.input(msg.data);
      case 'resize':
        return session.resize(msg.cols, msg.rows);
      case 'ack':
        return session.ack(msg.bytes);
      default:
        return assertNever(msg, 'message');
    }
  });
  // A tab whose network vanished never sends a close; a ping it cannot answer finds out.
  let alive = true;
  ws.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, deps.pingMs ?? 20_000);
  ping.unref();
  ws.on('close', () => {
    clearInterval(ping);
    session.detach(socket);
  });
  ws.on('error', (err) => ctx.logger.debug({ err, terminal: id }, 'terminal socket error'));
  session.attach(socket);
}
