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

  constructor(private readonly silenceMs = defaultSilenceMs) {}

  observe(e: WatchedEvent, now: number): void {
    if (!e.mac) return;
    const mac = e.mac.toLowerCase();
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

  /** Hints for PCs silent since their loader arrived; each PC's loader is reported once. */
  due(now: number, policy: SecureBootPolicy): LoaderHint[] {
    const out: LoaderHint[] = [];
    for (const [mac, p] of this.pending) {
      if (now - p.at < this.silenceMs) continue;
      this.pending.delete(mac);
      if (firstLoaders[p.loader] === 'unsigned') {
        this.refusedUnsigned.add(mac);
        out.push({
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
