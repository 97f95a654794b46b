/**
 * What the station tells a machine that asks for its boot script. Decided by the machines
 * registry (state, assignment) and rendered from the machine's profile; main/boot turns it
 * into an iPXE script.
 */
export type BootDecision =
  /** Unknown or unassigned: show a screen that says what to do, and ask again soon. */
  | { kind: 'wait'; reason: 'unknown' | 'unassigned' | 'held'; message: string; machineId?: string }
  /** Assigned: the installer's iPXE lines (kernel/initrd or wimboot), from the profile. */
  | { kind: 'install'; machineId: string; script: string }
  /** Done: boot from the local disk; never reinstall in a loop. */
  | { kind: 'local'; machineId?: string; message?: string };

export interface BootRequest {
  mac: string;
  /** Address the request came from. */
  ip: string;
  uuid?: string;
  serial?: string;
  /** iPXE ${platform}: pcbios or efi. */
  platform?: string;
  /** iPXE ${buildarch}: i386, x86_64, arm64. */
  buildarch?: string;
  manufacturer?: string;
  product?: string;
  /** Which boot chain asks: iPXE (the default) or the signed shim + GRUB (issue 17). */
  chain?: BootChain;
}

/** How a machine network-boots: unsigned iPXE, or Secure Boot's signed shim + GRUB. */
export type BootChain = 'ipxe' | 'shim-grub';

export interface BootResolver {
  resolve(req: BootRequest): BootDecision;
}

/** Before the machines registry is wired in, every machine is unknown. */
export const unknownMachines: BootResolver = {
  resolve: () => ({
    kind: 'wait',
    reason: 'unknown',
    message: 'This PC is not known to the station yet. Assign it in the PrepStation dashboard.',
  }),
};
