import type { FastifyInstance } from 'fastify';
import {
  agentScripts,
  agentScriptText,
  embedMachine,
  type AgentScriptName,
} from '../agent/scripts/routes.js';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import { clientIp, machineForToken, type MachineApiDeps } from './token.js';

/**
 * GET /t/<token>/agent.sh and /t/<token>/agent.ps1: the agent with this machine's URL and
 * token inside. Found before the answer-file route (/t/<token>/*): a static segment wins
 * in fastify's router. Only the current deployment's token opens it; unlike answer files
 * it is not tied to the boot address, because the installed OS may get another one.
 */
export function machineAgentScriptRoutes(deps: Pick<MachineApiDeps, 'lifecycle' | 'tokens'>) {
  return (app: FastifyInstance, ctx: StationContext): void => {
    for (const [name, type] of Object.entries(agentScripts) as [AgentScriptName, string][]) {
      app.get<{ Params: { token: string } }>(`/t/:token/${name}`, async (req, reply) => {
        const ip = clientIp(req);
        const r = machineForToken(req.params.token, deps);
        if (!('view' in r)) {
          req.log.warn({ ip, name, code: r.code }, 'agent script refused: token');
          return sendError(reply, r.status, r.code, r.message);
        }
        let text: string;
        try {
          text = agentScriptText(name);
        } catch (err) {
          req.log.error({ err, ip }, `the ${name} agent script is missing`);
          return sendError(
            reply,
            500,
            'missing_agent',
            `The station cannot find ${name}; reinstall PrepStation.`,
          );
        }
        ctx.logger.info(
          { machine: r.view.id, mac: r.view.macs[0], ip, name },
          'agent script served',
        );
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .type(type)
          .send(embedMachine(name, text, ctx.benchUrl, req.params.token));
      });
    }
  };
}
