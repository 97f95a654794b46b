import fs from 'node:fs';
import path from 'node:path';
import type { ServiceState } from '../api/contract.js';
import type { StationContext, StationPart } from '../context.js';
import type { LoaderHint, LoaderWatch } from './loader-watch.js';
import { signedChainBinaries } from './signed-files.js';

const label = 'Secure Boot chain (shim + GRUB)';

/**
 * Service `secure-boot`: whether PCs with Secure Boot on can boot, in words. Missing files
 * are a failure only when the policy says every UEFI PC gets them (`signed`); under `auto`
 * iPXE still boots the others.
 */
export function secureBootStatus(ctx: StationContext): {
  state: ServiceState;
  address: string | null;
  error?: string;
  fix?: string;
} {
  const policy = ctx.options.secureBoot;
  if (policy === 'ipxe') {
    return {
      state: 'disabled',
      address: null,
      error:
        'Secure Boot chain is off (secure boot: iPXE only): PCs with Secure Boot on refuse iPXE.',
      fix: 'Choose "Automatic" or "Signed chain" under Secure Boot on this page, or turn Secure Boot off in the PCs.',
    };
  }
  const boot = path.join(ctx.paths.filesDir, 'boot');
  const missing = Object.values(signedChainBinaries).filter(
    (f) => !fs.existsSync(path.join(boot, f)),
  );
  if (missing.length > 0) {
    return {
      state: policy === 'signed' ? 'failed' : 'disabled',
      address: null,
      error: `PCs with Secure Boot on cannot boot: ${missing.join(' and ')} missing in ${boot}.`,
      fix: `Run: node scripts/fetch-signed-boot.mjs --files ${ctx.paths.filesDir} (Debian's signed shim and GRUB, checked against pinned hashes).`,
    };
  }
  return {
    state: 'running',
    address: `${signedChainBinaries.shim} + ${signedChainBinaries.grub} over TFTP (${policy})`,
  };
}

/** How often silent loaders are looked for: a hint shows within silence + this. */
const tickMs = 5_000;

/**
 * The LoaderWatch as a station part: fed every boot log event, it says on the machine's
 * boot log (and through onHint, on its row) when Secure Boot most likely refused a loader.
 */
export function loaderWatchPart(
  ctx: StationContext,
  watch: LoaderWatch,
  onHint: (hint: LoaderHint) => void = () => undefined,
): StationPart {
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let said = '';
  // Checked at start and on every tick: the policy changes on the Services page, and the
  // files arrive when the technician runs the fetch script.
  const sayStatus = (): void => {
    const st = secureBootStatus(ctx);
    const key = JSON.stringify(st);
    if (key === said) return;
    said = key;
    ctx.services.set('secure-boot', { label, ...st });
  };
  return {
    name: 'loader-watch',
    async start() {
      sayStatus();
      off = ctx.bus.on((e) => {
        if (e.type === 'boot' && !e.data?.hint) watch.observe(e, ctx.now().getTime());
      });
      timer = setInterval(() => {
        sayStatus();
        for (const hint of watch.due(ctx.now().getTime(), ctx.options.secureBoot)) {
          ctx.logger.warn({ mac: hint.mac, loader: hint.loader }, hint.reason);
          ctx.bus.publish({
            type: 'boot',
            protocol: 'tftp',
            mac: hint.mac,
            client: '',
            summary: hint.reason,
            data: { hint: hint.kind, loader: hint.loader, fix: hint.fix },
          });
          try {
            onHint(hint);
          } catch (err) {
            ctx.logger.warn({ err, mac: hint.mac }, 'the Secure Boot hint could not be recorded');
          }
        }
      }, tickMs);
      timer.unref();
    },
    async stop() {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
