import type { FastifyInstance } from 'fastify';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import type { MachineView } from '../machines/types.js';
import { parseWinpeReport } from '../machines/winpe-progress.js';
import { secretMasker } from '../agent/mask.js';
import { clientIp, machineForToken, type MachineApiDeps } from './token.js';

/**
 * POST /t/<token>/winpe: deploy.cmd's progress reports from WinPE (docs/agent-protocol.md,
 * "WinPE progress"), form-encoded because that is what curl.exe sends with -d and
 * --data-urlencode. Accepted only with this deployment's token, from the address the machine
 * booted its installer from, and while the machine is in the WinPE part of its install.
 */

/** States in which the machine is (or may still be) in WinPE. */
const IN_WINPE = new Set(['booting', 'installing-os']);
/** DISM's output and a step log ride along; 2 MB leaves room for a long apply. */
const BODY_LIMIT = 2 * 1024 * 1024;

function inWinpe(view: MachineView): boolean {
  if (view.winpe?.phase === 'reboot') return false;
  if (IN_WINPE.has(view.state)) return true;
  return view.state === 'stalled' && view.stalledIn !== null && IN_WINPE.has(view.stalledIn);
}

export function winpeProgressRoutes(deps: MachineApiDeps) {
  return async (app: FastifyInstance, ctx: StationContext): Promise<void> => {
    await app.register(async (scope) => {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: BODY_LIMIT },
        (_req, body, done) => done(null, new URLSearchParams(body as string)),
      );
      scope.post<{ Params: { token: string } }>(
        '/t/:token/winpe',
        { bodyLimit: BODY_LIMIT },
        async (req, reply) => {
          const ip = clientIp(req);
          const r = machineForToken(req.params.token, deps);
          if (!('view' in r)) {
            req.log.warn({ ip, code: r.code }, 'WinPE report refused: token');
            return sendError(reply, r.status, r.code, r.message);
          }
          const view = r.view;
          const mac = view.macs[0] ?? null;
          const learned = ctx.clients.macFor(ip);
          const sameMachine =
            view.bootIp === ip || (learned !== null && view.macs.includes(learned));
          if (!view.bootIp || !sameMachine) {
            req.log.warn(
              { machine: view.id, mac, ip, bootIp: view.bootIp },
              'WinPE report refused: address',
            );
            return sendError(
              reply,
              403,
              'wrong_address',
              'WinPE reports are taken only from the address the machine booted its installer from.',
            );
          }
          if (!inWinpe(view)) {
            req.log.warn(
              { machine: view.id, mac, ip, state: view.state },
              'WinPE report refused: state',
            );
            return sendError(
              reply,
              409,
              'not_in_winpe',
              `Machine ${view.id} is ${view.state}${view.winpe?.phase === 'reboot' ? ' (WinPE already restarted into Windows)' : ''}; WinPE reports are over for this deployment.`,
            );
          }
          if (!(req.body instanceof URLSearchParams)) {
            return sendError(
              reply,
              415,
              'bad_request',
              'Send the report as application/x-www-form-urlencoded (curl -d).',
            );
          }
          const parsed = parseWinpeReport(req.body, ip);
          if (!parsed.ok) {
            req.log.warn(
              { machine: view.id, mac, ip, err: parsed.message },
              'WinPE report refused: body',
            );
            return sendError(reply, 400, 'bad_request', parsed.message);
          }
          // A log can echo the token (curl prints URLs) or a secret: masked like agent reports.
          const mask = secretMasker([...(deps.maskValues?.() ?? []), req.params.token]);
          const e = parsed.entry;
          if (e.detail) e.detail = mask(e.detail);
          if (e.logTail) e.logTail = e.logTail.map(mask);
          deps.lifecycle.winpeProgress(view, e);
          if (e.status !== 'progress') {
            req.log.info(
              { machine: view.id, mac, ip, phase: e.phase, status: e.status, code: e.code },
              'WinPE report',
            );
          }
          return reply.code(204).send();
        },
      );
    });
  };
}
