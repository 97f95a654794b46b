import type { SecureBootPolicy, UefiChain } from './dhcp-policy.js';

/**
 * Notices a UEFI PC whose firmware refused the loader it was handed (issue 17). Secure
 * Boot's refusal happens inside the PC ("Access Denied" on its screen): all the station
 * sees is a first loader fetched in full over TFTP and then nothing, where a running loader
 * asks for its next file within seconds (iPXE: DHCP as iPXE, then HTTP; shim: grubx64.efi).
 * Pure: events and the time go in, hints come out.
 */

/** What x64 UEFI firmware loads first, per chain (BIOS has no Secure Boot). */
const firstLoaders: Record<string, 'unsigned' | 'shim'> = {
  'ipxe.efi': 'unsigned',
  'snponly.efi': 'unsigned',
  'shimx64.efi': 'shim',
};

/** The part of a boot log event this needs (BootLogEvent, main/api/contract.ts). */
export interface WatchedEvent {
  protocol: 'dhcp' | 'proxydhcp' | 'tftp' | 'http';
  mac: string | null;
  data?: Record<string, unknown>;
}

export interface LoaderHint {
  /** What the boot log event's data.hint says. */
  kind: 'secure-boot-refused' | 'installer-not-started';
  mac: string;
  loader: string;
  reason: string;
  fix: string;
}

/** Without word for this long after its loader arrived, a PC is taken to have refused it. */
export const defaultSilenceMs = 30_000;

export class LoaderWatch {
  private readonly pending = new Map<string, { loader: string; at: number }>();
  private readonly refusedUnsigned = new Set<string>();
  /** PCs handed the installer by the signed GRUB, until their next DHCP (a reboot). */
  private readonly grubInstalls = new Set<string>();
  private readonly found: LoaderHint[] = [];

  constructor(private readonly silenceMs = defaultSilenceMs) {}

  observe(e: WatchedEvent, now: number): void {
    if (!e.mac) return;
    const mac = e.mac.toLowerCase();
    this.watchGrub(mac, e);
    const file = typeof e.data?.file === 'string' ? e.data.file.replace(/^\/+/, '') : null;
    if (e.protocol === 'tftp' && file && firstLoaders[file]) {
      // OVMF first probes the size and aborts; only a whole download starts the clock.
      // A firmware that retries gets the same loader again: the clock keeps its first start.
      if (e.data?.result === 'ok' && this.pending.get(mac)?.loader !== file) {
        this.pending.set(mac, { loader: file, at: now });
      }
      return;
    }
    const p = this.pending.get(mac);
    if (!p) return;
    // A plain PXE request again (not iPXE) is the firmware retrying, not the loader talking.
    const dhcp = e.protocol === 'dhcp' || e.protocol === 'proxydhcp';
    if (dhcp && !/\biPXE\b/.test(String(e.data?.userClass ?? ''))) return;
    this.pending.delete(mac);
    // It came back: a loader that runs clears an older refusal too (Secure Boot turned off).
    if (firstLoaders[p.loader] === 'unsigned') this.refusedUnsigned.delete(mac);
  }

  /**
   * The signed GRUB asks for its config again without a reboot (no DHCP in between) only
   * when the installer did not start: shim refused the kernel ("bad shim signature": not
   * signed by the vendor of shim and GRUB, e.g. an Ubuntu kernel) or a file was missing.
   */
  private watchGrub(mac: string, e: WatchedEvent): void {
    if (e.protocol === 'dhcp' || e.protocol === 'proxydhcp') {
      this.grubInstalls.delete(mac);
      return;
    }
    if (e.data?.chain !== 'shim-grub' || typeof e.data?.decision !== 'string') return;
    if (this.grubInstalls.has(mac)) {
      this.grubInstalls.delete(mac);
      this.found.push({
        kind: 'installer-not-started',
        mac,
        loader: 'grubx64.efi',
        reason:
          'The installer did not start under the signed chain: GRUB asked again without a reboot (the kernel was refused or missing)',
        fix: "Under Secure Boot the installer's kernel must be signed by Debian, like the station's shim and GRUB: \"bad shim signature\" on the PC's screen means it is not (Ubuntu and Fedora media need their own signed chain, not supported yet). Otherwise check the medium's kernel and initrd files. Or turn Secure Boot off for this PC.",
      });
    }
    if (e.data.decision === 'install') this.grubInstalls.add(mac);
  }

  /** Hints for PCs silent since their loader arrived; each PC's loader is reported once. */
  due(now: number, policy: SecureBootPolicy): LoaderHint[] {
    const out: LoaderHint[] = this.found.splice(0);
    for (const [mac, p] of this.pending) {
      if (now - p.at < this.silenceMs) continue;
      this.pending.delete(mac);
      if (firstLoaders[p.loader] === 'unsigned') {
        this.refusedUnsigned.add(mac);
        out.push({
          kind: 'secure-boot-refused',
          mac,
          loader: p.loader,
          reason: `Secure Boot refused the loader: use the signed chain (${p.loader} is not signed, and this PC never asked for its next file)`,
          fix:
            policy === 'auto'
              ? 'Start this PC again from the network: the station now hands it the signed chain (shim + GRUB). Windows under Secure Boot: see docs/secure-boot.md.'
              : 'Set "Secure Boot" to signed or auto on the Services page (or --secure-boot signed), then start this PC again from the network; or turn Secure Boot off in its firmware.',
        });
      } else {
        out.push({
          kind: 'secure-boot-refused',
          mac,
          loader: p.loader,
          reason:
            "Secure Boot refused the signed shim: this PC's firmware does not trust the Microsoft UEFI CA that signed it",
          fix: "In this PC's firmware, allow the Microsoft 3rd-party UEFI CA (on Secured-core PCs it is off by default), or turn Secure Boot off for the install.",
        });
      }
    }
    return out;
  }

  /** Under `auto`: the signed chain for PCs whose firmware refused iPXE. */
  chainFor(mac: string, policy: SecureBootPolicy): UefiChain {
    if (policy === 'signed') return 'signed';
    if (policy === 'ipxe') return 'ipxe';
    return this.refusedUnsigned.has(mac.toLowerCase()) ? 'signed' : 'ipxe';
  }
}
