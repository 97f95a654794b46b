import fastifyWebsocket from '@fastify/websocket';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { acknowledged, idParams } from '../api/common.js';
import type { CreateTerminalRequest } from '../api/contract.js';
import { DomainError, notFound } from '../api/domain-error.js';
import { terminalInfo, type TerminalInfo } from '../api/terminal.js';
import type { StationContext } from '../context.js';
import { maskUrl } from '../log/logger.js';
import { TOKEN_COOKIE, bearer, tokenMatches } from '../net/http/auth.js';
import { documented, route } from '../net/http/contract.js';
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
        const tag = 'terminal';
        route(
          r,
          {
            method: 'GET',
            url: '/',
            tag,
            summary: 'Open terminals (station shell, ssh to a machine).',
            reply: z.array(terminalInfo),
          },
          async () => deps.manager.list(),
        );
        route(
          r,
          {
            method: 'POST',
            url: '/',
            tag,
            summary: 'Open a terminal: a shell on the station, or ssh to a machine or host.',
            body: createTerminalBody,
            reply: terminalInfo,
            status: [201],
          },
          async ({ body, reply }) => openTerminal(deps, lookup, body, reply),
        );
        route(
          r,
          {
            method: 'DELETE',
            url: '/:id',
            tag,
            summary: 'Close a terminal (its shell ends).',
            params: idParams,
            reply: acknowledged,
          },
          async ({ params }) => {
            const closed = await deps.manager.close(params.id, 'closed from the UI');
            if (!closed) throw notFound('No such terminal; it has ended.');
            return { ok: true as const };
          },
        );
        r.get<{ Params: { id: string } }>(
          '/:id/socket',
          {
            websocket: true,
            config: documented({
              method: 'GET',
              url: '/:id/socket',
              tag: 'terminal',
              summary:
                "The terminal's WebSocket: output as binary frames; input, resize and ack as JSON text frames.",
              params: idParams,
              reply: {
                contentType: 'application/octet-stream',
                description: 'a WebSocket (101 Switching Protocols)',
              },
            }),
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
  lookup: MachineAddressLookup,
  body: CreateTerminalRequest,
  reply: FastifyReply,
): Promise<TerminalInfo> {
  let spec: SpawnSpec;
  let machineId: string | null = null;
  if (body.kind === 'local') {
    spec = localShell();
  } else {
    const ssh = deps.ssh();
    if ('missing' in ssh) throw new DomainError('ssh_missing', ssh.missing, { status: 503 });
    let host = body.host;
    let alias: string | undefined;
    if (body.machineId) {
      const m = await lookup(body.machineId);
      if (!m.ok && !host) throw new DomainError(m.code, m.message, { status: m.status });
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
    reply.code(201);
    return { ...s.info };
  } catch (err) {
    if (err instanceof TerminalError) {
      throw new DomainError(err.code, err.message, { status: err.status });
    }
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
