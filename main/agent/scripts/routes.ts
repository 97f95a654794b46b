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

/** `. (Join-Path $PSScriptRoot 'agent-core.ps1')`: a part agent.ps1 dot-sources. */
const PS_PART = /^\. \(Join-Path \$PSScriptRoot '(agent-[a-z]+\.ps1)'\)\r?$/gm;

/**
 * agent.ps1 as one file, its parts (agent-core.ps1, agent-windows.ps1, ...) inlined where
 * it dot-sources them: machines download one file (start.cmd, the -Install copy), while
 * the source stays split so CI can run the platform-neutral parts and mock the Windows one.
 */
export function bundleAgentPs1(main: string, readPart: (name: string) => string): string {
  return main.replace(PS_PART, (_line, name: string) => {
    const part = readPart(name).replace(/\s+$/, '');
    return `# ---- ${name} (inlined by the station) ----\n${part}\n# ---- end of ${name} ----`;
  });
}

/** An agent as machines get it (agent.ps1 with its parts inlined). Throws when missing. */
export function agentScriptText(name: AgentScriptName): string {
  const main = fs.readFileSync(agentScriptPath(name), 'utf8');
  if (name !== 'agent.ps1') return main;
  const dir = path.dirname(agentScriptPath(name));
  return bundleAgentPs1(main, (part) => fs.readFileSync(path.join(dir, part), 'utf8'));
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
        text = agentScriptText(name);
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

/** POSIX sh single quotes; PowerShell single quotes double a quote inside. */
const shQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
const psQuote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * One machine's copy of an agent: the station URL and the machine's token filled into the
 * script's EMBEDDED lines, so the answer file only has to fetch and start it (see
 * main/profiles/render/linux.ts and winpe.ts). Pure, for tests.
 */
export function embedMachine(
  name: AgentScriptName,
  script: string,
  stationUrl: string,
  token: string,
): string {
  if (name === 'agent.sh') {
    return script
      .replace(/^EMBEDDED_STATION=$/m, `EMBEDDED_STATION=${shQuote(stationUrl)}`)
      .replace(/^EMBEDDED_TOKEN=$/m, `EMBEDDED_TOKEN=${shQuote(token)}`);
  }
  return script
    .replace(/^\$EmbeddedStation = ''$/m, `$EmbeddedStation = ${psQuote(stationUrl)}`)
    .replace(/^\$EmbeddedToken = ''$/m, `$EmbeddedToken = ${psQuote(token)}`);
}
