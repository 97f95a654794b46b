import type { MachineView } from '../machines/types.js';

export type MachineAddress =
  | { ok: true; ip: string; deployment: number; name: string | null }
  | { ok: false; status: number; code: string; message: string };

export type MachineAddressLookup = (machineId: string) => Promise<MachineAddress>;

/**
 * The address a machine was last seen at (its DHCP lease or its agent's reports), asked of
 * the machines part directly (main/machines/lifecycle.ts `get`): the terminal depends on
 * that one read, not on the station's own HTTP API or how the registry is built.
 */
export function machineAddressFrom(machines: {
  get(id: string): MachineView | undefined;
}): MachineAddressLookup {
  return async (machineId) => {
    const m = machines.get(machineId);
    if (!m) {
      return { ok: false, status: 404, code: 'not_found', message: `No machine ${machineId}.` };
    }
    if (!m.ip) {
      return {
        ok: false,
        status: 409,
        code: 'no_address',
        message:
          "The station does not know this machine's address yet (no DHCP lease or agent report); enter it by hand.",
      };
    }
    return { ok: true, ip: m.ip, deployment: m.deployment, name: m.name };
  };
}
