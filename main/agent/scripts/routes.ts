import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { StationContext } from '../../context.js';
import { sendError } from '../../net/http/errors.js';
import { packageRoot } from '../../util/package-root.js';

/** The agents machines download: no secrets inside, so no token is needed to fetch them. */
export const agentScripts = {
  'agent.sh': 'text/x-shellscript; charset=utf-8',
  'agent.ps1': 'text/plain; charset=utf-8',
} as const;

export type AgentScriptName = keyof typeof agentScripts;

/** Where the scripts are: beside this file in a source checkout, else in the package. */
export function agentScriptPath(name: AgentScriptName): string {
  const root = packageRoot();
  const candidates = [
    path.join(root, 'main', 'agent', 'scripts', name),
    path.join(root, 'dist', 'main', 'agent', 'scripts', name),
    path.join(root, 'agent-scripts', name),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0]!;
}

/**
 * GET /agent/v1/agent.sh and /agent/v1/agent.ps1 on the bench listener. The answer files
 * fetch them at the end of the OS install and start them with the station URL and the
 * machine's token (see the README, "Agents").
 */
export function agentScriptRoutes(app: FastifyInstance, ctx: StationContext): void {
  for (const [name, type] of Object.entries(agentScripts) as [AgentScriptName, string][]) {
    app.get(`/agent/v1/${name}`, async (req, reply) => {
      let text: string;
      try {
        text = fs.readFileSync(agentScriptPath(name), 'utf8');
      } catch (err) {
        req.log.error({ err, ip: req.ip }, `the ${name} agent script is missing`);
        return sendError(
          reply,
          500,
          'missing_agent',
          `The station cannot find ${name}; reinstall PrepStation.`,
        );
      }
      // Windows PowerShell 5.1 reads a BOM-less script as the ANSI code page: keep it ASCII.
      ctx.logger.debug({ ip: req.ip, name }, 'agent script served');
      return reply.code(200).header('cache-control', 'no-store').type(type).send(text);
    });
  }
}
