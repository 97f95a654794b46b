import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import type { MachineView } from '../machines/types.js';
import { clientIp, machineForToken, type MachineApiDeps } from './token.js';

/**
 * States in which the installer of the current deployment may still fetch its files. Once
 * the agent has spoken (provisioning), the installer is over and the files expire with
 * that phase, not only with the deployment: what they hold is worth nothing later.
 */
const FETCHABLE = new Set(['booting', 'installing-os']);

function fetchable(view: MachineView): boolean {
  const state = view.state === 'stalled' ? view.stalledIn : view.state;
  return state !== null && state !== undefined && FETCHABLE.has(state);
}

/**
 * GET /t/<token>/<file>: the machine's answer files. They hold secrets (admin password,
 * domain join), so: the current deployment's token only, only from the address the
 * machine booted the installer from, and every fetch goes into its event log (the logger
 * masks the token in URLs; the log entry never holds it).
 */
export function answerFileRoutes(deps: MachineApiDeps) {
  return (app: FastifyInstance, ctx: StationContext): void => {
    const handler = async (
      req: FastifyRequest<{ Params: { token: string; '*': string } }>,
      reply: FastifyReply,
    ) => {
      const { token } = req.params;
      const file = req.params['*'];
      const ip = clientIp(req);
      const r = machineForToken(token, deps);
      if (!('view' in r)) {
        req.log.warn({ ip, file, code: r.code }, 'answer file refused: token');
        return sendError(reply, r.status, r.code, r.message);
      }
      const view = r.view;
      const mac = view.macs[0] ?? null;
      if (!fetchable(view)) {
        req.log.warn(
          { machine: view.id, mac, ip, file, state: view.state },
          'answer file refused: state',
        );
        return sendError(
          reply,
          409,
          'not_booting',
          `Machine ${view.id} is ${view.state}; answer files are served only while it boots and runs its installer.`,
        );
      }
      // The installer may get a new lease after iPXE; DHCP (only DHCP: not a ?mac= claim, not
      // an agent) tells us that address is its MAC.
      const learned = ctx.clients.dhcpMacFor(ip);
      const sameMachine = view.bootIp === ip || (learned !== null && view.macs.includes(learned));
      if (!view.bootIp || !sameMachine) {
        req.log.warn(
          { machine: view.id, mac, ip, bootIp: view.bootIp, file },
          'answer file refused: not the address the machine booted from',
        );
        return sendError(
          reply,
          403,
          'wrong_address',
          'Answer files are served only to the address the machine booted its installer from.',
        );
      }
      const renderer = deps.answerFile?.() ?? null;
      const machineUrl = `${ctx.benchUrl}/t/${token}`;
      let out: { contentType: string; body: string } | null;
      try {
        out = renderer ? renderer({ view, file, token, machineUrl }) : null;
      } catch (err) {
        req.log.error({ err, machine: view.id, mac, file }, 'rendering an answer file failed');
        return sendError(
          reply,
          500,
          'render_failed',
          'The answer file could not be rendered; see the station log.',
        );
      }
      if (!out) {
        return sendError(
          reply,
          404,
          'not_found',
          `No per-machine file "${file}" for this machine's profile.`,
        );
      }
      const bytes = Buffer.byteLength(out.body);
      deps.lifecycle.answerFileServed(view, file, ip, bytes);
      req.log.info({ machine: view.id, mac, ip, file, bytes }, 'answer file served');
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .type(out.contentType)
        .send(out.body);
    };
    app.get('/t/:token/*', handler);
  };
}
