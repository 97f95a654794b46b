import type { BootDecision, BootRequest, BootResolver } from '../boot/types.js';
import type { Logger } from '../log/logger.js';
import type { AgentTokens } from '../agent/tokens.js';
import type { MachineLifecycle } from './lifecycle.js';
import { MachineError } from './registry.js';
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

/** Why a machine's installer cannot start now, and what the technician does about it. */
export interface BootProblem {
  reason: string;
  fix: string;
}

/**
 * Checks, before the installer is handed out, that the whole deployment can render
 * (answer file with its secrets, packages, medium): a PC must not wipe its disk and then
 * stop at a 500 that only the station log shows.
 */
export type BootPreflight = (view: MachineView, req: BootRequest) => BootProblem | null;

/**
 * ctx.boot: what a machine asking for its boot script gets. Unknown or unassigned: wait
 * (the request itself registers it, and rules or batches may assign it right here);
 * assigned or booting: the installer; anything later: the local disk, so a machine that
 * PXE-boots again mid-install or when done never reinstalls in a loop.
 */
export function machineBootResolver(deps: {
  lifecycle: MachineLifecycle;
  tokens: AgentTokens;
  benchUrl: () => string;
  installScript: () => InstallScript | null;
  preflight?: () => BootPreflight | null;
  /** The MAC DHCP saw at an address (ctx.clients.dhcpMacFor), or null. */
  addressOwner?: (ip: string) => string | null;
  logger: Logger;
}): BootResolver {
  /** The failure goes on the machine's row and timeline (lifecycle.installerHeld). */
  const hold = (view: MachineView, problem: BootProblem): BootDecision => {
    view = deps.lifecycle.installerHeld(view, problem);
    return {
      kind: 'wait',
      reason: 'held',
      machineId: view.id,
      message: `${problem.reason}. ${problem.fix}`,
    };
  };
  return {
    resolve(req: BootRequest): BootDecision {
      const ip = req.ip.replace(/^::ffff:/, '');
      let view: MachineView;
      try {
        view = deps.lifecycle.machineSighted({
          mac: req.mac,
          ip,
          via: 'http',
          ...(req.uuid ? { uuid: req.uuid } : {}),
          ...(req.serial ? { serial: req.serial } : {}),
          ...(req.manufacturer ? { vendor: req.manufacturer } : {}),
          ...(req.product ? { model: req.product } : {}),
        });
      } catch (err) {
        // Discovery is rate-limited per address: a flood of invented MACs waits, unregistered.
        if (err instanceof MachineError && err.code === 'discovery_limited') {
          return { kind: 'wait', reason: 'unknown', message: err.message };
        }
        throw err;
      }
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
        case 'failed':
          // Held before its installer ever started in this deployment (bootIp is set when
          // the installer is handed out): keep it waiting, so Retry goes on without a reboot.
          if (view.bootIp === null && view.failure?.stepId === null) {
            return {
              kind: 'wait',
              reason: 'held',
              machineId: view.id,
              message: `${view.failure.reason}. ${view.failure.fix ?? ''}`.trim(),
            };
          }
          return {
            kind: 'local',
            machineId: view.id,
            message: 'This PC is being deployed; booting from its disk.',
          };
        case 'assigned':
        case 'booting': {
          const refused = claimRefused(view, req.mac, ip, deps.addressOwner?.(ip) ?? null);
          if (refused) {
            deps.logger.warn(
              { machine: view.id, mac: req.mac, ip, bootIp: view.bootIp },
              "install refused: the address is not this machine's",
            );
            return { kind: 'wait', reason: 'held', machineId: view.id, message: refused };
          }
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
          const problem = deps.preflight?.()?.(view, req) ?? null;
          if (problem) return hold(view, problem);
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
            return hold(view, {
              reason: `The installer of profile "${view.profile ?? ''}" could not be rendered: ${(err as Error).message}`,
              fix: `Fix the profile on the Profiles screen (its Preview shows the same error), then Retry.`,
            });
          }
          view = deps.lifecycle.installerHandedOut(view, {
            ip,
            ...(req.platform ? { platform: req.platform } : {}),
            chain: req.chain ?? 'ipxe',
          });
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

/**
 * Why a request that names this machine's MAC may not start (or move) its installer, or
 * null. The MAC in the URL is only a claim: the address binds to the machine when DHCP saw
 * that MAC there, or when it is the address the machine's installer boot started from. A
 * device elsewhere on the bench claiming the MAC of a booting machine gets neither its
 * boot address nor, through it, its answer files (issue 13 item 4).
 */
export function claimRefused(
  view: MachineView,
  mac: string,
  ip: string,
  dhcpOwner: string | null,
): string | null {
  if (dhcpOwner !== null && dhcpOwner !== mac) {
    return `This address (${ip}) belongs to another network card by DHCP; this PC cannot boot its installer from it. Check for a duplicate address on the bench.`;
  }
  if (view.state === 'booting' && view.bootIp !== null && view.bootIp !== ip && dhcpOwner !== mac) {
    return `This PC already started its installer from ${view.bootIp}. To start over from here, reset it in the PrepStation dashboard.`;
  }
  return null;
}
