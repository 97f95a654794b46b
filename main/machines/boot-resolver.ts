import type { BootDecision, BootRequest, BootResolver } from '../boot/types.js';
import type { Logger } from '../log/logger.js';
import type { AgentTokens } from '../agent/tokens.js';
import type { MachineRegistry } from './registry.js';
import type { MachineView } from './types.js';

/** Renders the installer's iPXE lines for one machine (the profiles' renderIpxeInstall). */
export type InstallScript = (input: {
  view: MachineView;
  req: BootRequest;
  /** The machine's agent token for this deployment; goes into its per-machine URLs. */
  token: string;
  /** `${benchUrl}/t/<token>`: where its answer files are. */
  machineUrl: string;
}) => string;

/**
 * ctx.boot: what a machine asking for its boot script gets. Unknown or unassigned: wait
 * (the request itself registers it, and rules or batches may assign it right here);
 * assigned or booting: the installer; anything later: the local disk, so a machine that
 * PXE-boots again mid-install or when done never reinstalls in a loop.
 */
export function machineBootResolver(deps: {
  registry: MachineRegistry;
  tokens: AgentTokens;
  benchUrl: () => string;
  installScript: () => InstallScript | null;
  logger: Logger;
}): BootResolver {
  return {
    resolve(req: BootRequest): BootDecision {
      const ip = req.ip.replace(/^::ffff:/, '');
      let view = deps.registry.sighting({
        mac: req.mac,
        ip,
        via: 'http',
        ...(req.uuid ? { uuid: req.uuid } : {}),
        ...(req.serial ? { serial: req.serial } : {}),
        ...(req.manufacturer ? { vendor: req.manufacturer } : {}),
        ...(req.product ? { model: req.product } : {}),
      });
      const stateNow = view.state === 'stalled' ? view.stalledIn : view.state;
      switch (stateNow) {
        case 'discovered':
        case null:
          return {
            kind: 'wait',
            reason: 'unassigned',
            machineId: view.id,
            message: `This PC (${view.id}) is waiting for a profile. Assign it in the PrepStation dashboard.`,
          };
        case 'assigned':
        case 'booting': {
          const render = deps.installScript();
          if (!render) {
            return {
              kind: 'wait',
              reason: 'held',
              machineId: view.id,
              message:
                'The station cannot render installers yet (profiles not loaded); see its log.',
            };
          }
          const token = deps.tokens.tokenFor(view.id, view.deployment);
          const machineUrl = `${deps.benchUrl()}/t/${token}`;
          let script: string;
          try {
            script = render({ view, req, token, machineUrl });
          } catch (err) {
            deps.logger.error(
              { err, machine: view.id, mac: req.mac, profile: view.profile },
              'rendering the install script failed',
            );
            return {
              kind: 'wait',
              reason: 'held',
              machineId: view.id,
              message: `The installer of profile ${view.profile ?? ''} could not be rendered; see the station log.`,
            };
          }
          if (view.state !== 'booting' || view.bootIp !== ip) {
            view = deps.registry.append(view.id, [
              { kind: 'booting', ip, ...(req.platform ? { platform: req.platform } : {}) },
            ]);
          }
          return { kind: 'install', machineId: view.id, script };
        }
        default:
          return {
            kind: 'local',
            machineId: view.id,
            message:
              view.state === 'done'
                ? 'This PC is done; booting from its disk.'
                : 'This PC is being deployed; booting from its disk.',
          };
      }
    },
  };
}
