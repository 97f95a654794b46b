import { filesUrl, machineUrl, type RenderContext } from './context.js';
import { windowsTarget } from './autounattend.js';
import { linuxBoot } from './kernel.js';
import { answerFileNames } from './kernel.js';

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
    const m = (rel: string): string => filesUrl(rc, `${t.media.replace(/\/+$/, '')}/${rel}`);
    lines.push(
      `echo PrepStation: ${rc.profile.id}: Windows ${t.version} ${t.edition} via wimboot`,
      `kernel ${filesUrl(rc, WIMBOOT_PATH)} gui`,
      `initrd -n BCD ${m('boot/bcd')} BCD`,
      `initrd -n boot.sdi ${m('boot/boot.sdi')} boot.sdi`,
      `initrd -n boot.wim ${m('sources/boot.wim')} boot.wim`,
    );
    for (const f of [
      'winpeshl.ini',
      'deploy.cmd',
      'prepstation-start.cmd',
      'prepstation-setupcomplete.cmd',
      answerFileNames.autounattend,
    ]) {
      lines.push(`initrd -n ${f} ${url}/${f} ${f}`);
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
