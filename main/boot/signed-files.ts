import path from 'node:path';
import type { RenderedFiles } from '../net/tftp/server.js';
import { resolveUnder } from '../net/tftp/paths.js';
import {
  grubEntryConfig,
  grubMachineDir,
  grubPrefix,
  renderGrubDecision,
  type GrubContext,
} from './grub-config.js';
import type { BootDecision, BootRequest, BootResolver } from './types.js';

/**
 * What the station's TFTP server renders for the signed chain (shim -> GRUB -> kernel),
 * beside the files it reads from <files>/boot:
 *   grub/grub.cfg            the same for every machine: a loop over its own file
 *   grub/mac/<mac>.cfg       this machine's wait / install / local-disk config, per request
 *   files/<path>             <files>/<path>: kernels and initrds (the signed GRUB has no HTTP)
 */

const machineFile = new RegExp(`^${grubMachineDir}/([0-9a-f]{2}(?::[0-9a-f]{2}){5})\\.cfg$`, 'i');

export interface SignedChainDeps {
  filesDir: string;
  benchUrl: () => string;
  boot: () => BootResolver;
  /** Seconds between asks of a waiting machine. */
  retrySeconds?: number;
  /** Called once per rendered machine config: the boot log says what the machine got. */
  onDecision?: (e: { mac: string; client: string; decision: BootDecision; bytes: number }) => void;
}

export function describeGrubDecision(d: BootDecision): string {
  switch (d.kind) {
    case 'wait':
      return `GRUB config (signed chain): wait (${d.reason})`;
    case 'install':
      return `GRUB config (signed chain): install (${d.machineId})`;
    case 'local':
      return 'GRUB config (signed chain): boot from local disk';
  }
}

export function signedChainFiles(deps: SignedChainDeps): RenderedFiles {
  return {
    claims: (name) =>
      name === `${grubPrefix}/grub.cfg` || machineFile.test(name) || name.startsWith('files/'),
    async render(name, client) {
      if (name === `${grubPrefix}/grub.cfg`) return { data: Buffer.from(grubEntryConfig()) };
      if (name.startsWith('files/')) {
        const r = await resolveUnder(deps.filesDir, name.slice('files/'.length), 1024);
        return r.ok ? { path: r.file } : null;
      }
      const m = machineFile.exec(name);
      if (!m) return null;
      const mac = m[1]!.toLowerCase();
      const req: BootRequest = {
        mac,
        ip: client.address,
        platform: 'efi',
        buildarch: 'x86_64',
        chain: 'shim-grub',
      };
      let decision: BootDecision;
      try {
        decision = await deps.boot().resolve(req);
      } catch {
        decision = {
          kind: 'wait',
          reason: 'held',
          message: 'The station hit an error deciding what this PC boots; see the station log.',
        };
      }
      const ctx: GrubContext = { benchUrl: deps.benchUrl(), retrySeconds: deps.retrySeconds ?? 5 };
      const data = Buffer.from(renderGrubDecision(decision, req, ctx));
      deps.onDecision?.({ mac, client: client.address, decision, bytes: data.length });
      return { data };
    },
  };
}

/**
 * Files shim and GRUB ask for and do without (measured for issue 17): shim's revocation
 * lists and extra certificate, GRUB's command/fs/crypto/terminal lists for autoloading
 * modules (the signed GRUB has its modules built in, and may not load others anyway).
 */
export function optionalForSignedChain(name: string): boolean {
  return /^\/?(revocations_(sku|sbat)\.efi|shim_certificate_\d+\.efi|grub\/x86_64-efi\/[a-z]+\.lst)$/.test(
    name,
  );
}

/** The signed binaries in <files>/boot, as the fetch script names them. */
export const signedChainBinaries = {
  /** First stage, Microsoft-signed: what DHCP names for x64 UEFI under the signed chain. */
  shim: 'shimx64.efi',
  /** Debian-signed network GRUB; shim asks for this name at the TFTP root. */
  grub: 'grubx64.efi',
} as const;

export function signedChainPaths(filesDir: string): { shim: string; grub: string } {
  return {
    shim: path.join(filesDir, 'boot', signedChainBinaries.shim),
    grub: path.join(filesDir, 'boot', signedChainBinaries.grub),
  };
}
