import type { FastifyInstance } from 'fastify';
import type { MachineDetail } from '../api/contract.js';

export type MachineAddress =
  | { ok: true; ip: string; deployment: number; name: string | null }
  | { ok: false; status: number; code: string; message: string };

export type MachineAddressLookup = (machineId: string) => Promise<MachineAddress>;

/**
 * The address a machine was last seen at (its DHCP lease or its agent's reports), read
 * through the machines API of this same listener: the terminal depends on that contract,
 * not on how the registry is built.
 */
export function machineAddressViaApi(app: FastifyInstance, token: string): MachineAddressLookup {
  return async (machineId) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/machines/${encodeURIComponent(machineId)}`,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.statusCode === 404) {
      return { ok: false, status: 404, code: 'not_found', message: `No machine ${machineId}.` };
    }
    if (res.statusCode !== 200) {
      return {
        ok: false,
        status: 502,
        code: 'machines_unavailable',
        message: `The machines registry answered ${res.statusCode}; enter the machine's address by hand.`,
      };
    }
    const m = (res.json() as Partial<MachineDetail>).machine;
    if (!m?.ip) {
      return {
        ok: false,
        status: 409,
        code: 'no_address',
        message:
          "The station does not know this machine's address yet (no DHCP lease or agent report); enter it by hand.",
      };
    }
    return { ok: true, ip: m.ip, deployment: m.deployment ?? 0, name: m.name ?? null };
  };
}
