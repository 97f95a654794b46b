import { filesUrl, machineUrl, type RenderContext } from './context.js';
import { windowsTarget } from './autounattend.js';
import { linuxBoot } from './kernel.js';
import { WINPE_FILE_NAMES, deployPlan, winpeMediaFiles } from './winpe.js';

/** wimboot's place in the files dir (scripts/ fetch it there beside the iPXE binaries). */
export const WIMBOOT_PATH = 'boot/wimboot';

/**
 * The iPXE lines that start this machine's installer (no #!ipxe header: the boot
 * resolver wraps them). Windows: wimboot + boot.wim with our files injected under
 * `-n NAME ... NAME` (BIOS takes the CPIO name from the trailing argument, UEFI the image
 * name). Linux: kernel + initrd; UEFI iPXE needs `initrd=NAME` matching `--name NAME`.
 */
export function renderIpxeInstall(rc: RenderContext): string {
  const url = machineUrl(rc);
  const lines: string[] = [];
  if (rc.profile.target.os === 'windows') {
    const t = windowsTarget(rc.profile);
    const media = deployPlan(rc).media;
    // wimboot >= 2.7.1 takes bootmgr, BCD and boot.sdi from boot.wim itself (WINDOWS.md §1);
    // the injected files land in X:\Windows\System32, where winpeshl.ini starts deploy.cmd.
    lines.push(
      `echo PrepStation: ${rc.profile.id}: ${media.label}, ${t.edition}, via wimboot`,
      `kernel ${filesUrl(rc, WIMBOOT_PATH)} gui`,
      `initrd -n boot.wim ${filesUrl(rc, media.bootWim)} boot.wim`,
    );
    for (const f of WINPE_FILE_NAMES) lines.push(`initrd -n ${f} ${url}/${f} ${f}`);
    for (const f of winpeMediaFiles(rc)) {
      lines.push(`initrd -n ${f.name} ${filesUrl(rc, f.path)} ${f.name}`);
    }
    lines.push('boot');
    return lines.join('\n') + '\n';
  }
  const b = linuxBoot(rc);
  const initrdArg = rc.firmware === 'uefi' ? ['initrd=initrd'] : [];
  lines.push(
    `echo PrepStation: ${rc.profile.id}: ${rc.profile.target.os} ${rc.profile.target.version}`,
    `kernel ${b.kernel} ${[...initrdArg, ...b.args].join(' ')}`,
    `initrd --name initrd ${b.initrd}`,
    'boot',
  );
  return lines.join('\n') + '\n';
}
