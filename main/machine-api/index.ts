import { secretValuesOf } from '../agent/mask.js';
import type { Machines } from '../machines/part.js';
import type { BenchRoutes } from '../net/http/bench-server.js';
import type { SecretStore } from '../profiles/secrets.js';
import { machineAgentScriptRoutes } from './agent-scripts.js';
import { agentRoutes } from './agent-routes.js';
import { answerFileRoutes } from './answer-routes.js';
import { installerEventRoutes } from './installer-events.js';
import type { MachineApiDeps } from './token.js';
import { winpeProgressRoutes } from './winpe-routes.js';

/**
 * What the machine API is given: the machines part's lifecycle, tokens and renderers, and
 * the station's secrets (served to the agent that needs one, masked in whatever it says).
 */
export function machineApiDeps(
  machines: Pick<Machines, 'lifecycle' | 'tokens' | 'answerFile' | 'planParams'>,
  station: { secrets?: SecretStore; uiToken?: string },
): MachineApiDeps {
  const secrets = station.secrets;
  const secretValues = secrets ? secretValuesOf(secrets) : null;
  return {
    lifecycle: machines.lifecycle,
    tokens: machines.tokens,
    planParams: machines.planParams,
    answerFile: machines.answerFile,
    revealSecret: (name) => secrets?.reveal(name),
    maskValues: () => [...(station.uiToken ? [station.uiToken] : []), ...(secretValues?.() ?? [])],
  };
}

/** Every route a machine opens with its token, for the bench listener. */
export function machineApiRoutes(deps: MachineApiDeps): BenchRoutes[] {
  return [
    agentRoutes(deps),
    installerEventRoutes(deps),
    answerFileRoutes(deps),
    winpeProgressRoutes(deps),
    machineAgentScriptRoutes(deps),
  ];
}
