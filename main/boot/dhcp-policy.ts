/**
 * Which boot file a PXE client gets, from what its DHCP request says. Pure and data-driven:
 * the DHCP server (main/net/dhcp) asks, this answers.
 *
 * Not iPXE yet: a network boot program by architecture (option 93), fetched over TFTP
 * from <files>/boot. Already iPXE: the HTTP boot script on the bench listener, or the
 * client would chainload iPXE forever.
 */

export type UefiLoader = 'ipxe.efi' | 'snponly.efi';

/**
 * The station's Secure Boot policy for x64 UEFI PXE clients (issue 17): `ipxe` hands out
 * iPXE (unsigned: Secure Boot firmware refuses it), `signed` the Microsoft-signed shim that
 * loads the vendor-signed GRUB, `auto` iPXE until this PC's firmware refused it once, then
 * the signed chain (main/boot/loader-watch.ts remembers the refusal).
 */
export const secureBootPolicies = ['auto', 'signed', 'ipxe'] as const;
export type SecureBootPolicy = (typeof secureBootPolicies)[number];
/** What one client gets under that policy. */
export type UefiChain = 'ipxe' | 'signed';

export interface DhcpBootInput {
  /** Option 93 values; the first one is the architecture the firmware runs now. */
  clientArch?: number[];
  /** Option 77 items. */
  userClass?: string[];
  /** Option 175 present (iPXE's own encapsulated options). */
  hasIpxeOptions: boolean;
  /** Base URL of the bench listener, e.g. http://192.168.50.1:8080. */
  benchUrl: string;
  /** x64 UEFI: the full iPXE (own NIC drivers) or snponly (the firmware's network stack). */
  uefiLoader?: UefiLoader;
  /** x64 UEFI: iPXE, or the signed shim (Secure Boot). Decided per client (see above). */
  uefiChain?: UefiChain;
}

export type DhcpBootDecision =
  | {
      kind: 'tftp';
      bootFile: string;
      arch: number;
      archName: string;
    }
  | {
      kind: 'http';
      bootFile: string;
      arch: number | null;
      archName: string;
      /** Send 175.176 (no-pxedhcp) = 1: iPXE then skips its ~3 s wait for proxy offers. */
      ipxeNoProxyDhcp: true;
    }
  | { kind: 'unsupported'; arch: number; archName: string; reason: string };

/** IANA "Processor Architecture Types" (RFC 4578 §2.1 and later assignments). */
export const archNames: Record<number, string> = {
  0: 'x86 BIOS',
  6: 'x86 UEFI',
  7: 'x64 UEFI',
  9: 'x64 UEFI',
  10: 'ARM32 UEFI',
  11: 'ARM64 UEFI',
  16: 'x64 UEFI HTTP',
  19: 'ARM64 UEFI HTTP',
};

/**
 * The signed chain's first stage: Debian's shimx64.efi.signed (Microsoft UEFI CA 2011). It
 * asks for `grubx64.efi` (and the optional revocations_*.efi, shim_certificate_0.efi) at
 * the TFTP root, wherever it was loaded from: the fetch script puts them all in <files>/boot.
 */
export const signedUefiNbp = 'shimx64.efi';

/** Boot files per architecture, relative to the TFTP root (<files>/boot). */
const nbpByArch: Record<number, (uefi: UefiLoader, chain: UefiChain) => string> = {
  0: () => 'undionly.kpxe',
  // Arch 9 is "EFI BC" in RFC 4578, but x64 firmwares send it as often as 7.
  7: (uefi, chain) => (chain === 'signed' ? signedUefiNbp : uefi),
  9: (uefi, chain) => (chain === 'signed' ? signedUefiNbp : uefi),
  11: () => 'ipxe-arm64.efi',
};

export function archName(arch: number | null | undefined): string {
  if (arch === null || arch === undefined) return 'unknown';
  return archNames[arch] ?? `arch ${arch}`;
}

/** iPXE says so in option 77 ("iPXE") or by sending its own option 175. */
export function isIpxeClient(input: Pick<DhcpBootInput, 'userClass' | 'hasIpxeOptions'>): boolean {
  return input.hasIpxeOptions || (input.userClass ?? []).includes('iPXE');
}

export function dhcpBootFile(input: DhcpBootInput): DhcpBootDecision {
  const arch = input.clientArch?.[0] ?? null;
  if (isIpxeClient(input)) {
    return {
      kind: 'http',
      bootFile: `${input.benchUrl}/boot/ipxe`,
      arch,
      archName: archName(arch),
      ipxeNoProxyDhcp: true,
    };
  }
  // A PXE ROM without option 93 is a BIOS one (the option came with UEFI).
  const a = arch ?? 0;
  const nbp = nbpByArch[a];
  if (!nbp) {
    return {
      kind: 'unsupported',
      arch: a,
      archName: archName(a),
      reason: `no boot file for ${archName(a)} (client architecture ${a})`,
    };
  }
  return {
    kind: 'tftp',
    bootFile: nbp(input.uefiLoader ?? 'ipxe.efi', input.uefiChain ?? 'ipxe'),
    arch: a,
    archName: archName(a),
  };
}
