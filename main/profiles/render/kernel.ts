import type { Profile } from '../schema.js';
import { RenderError, filesUrl, machineUrl, type RenderContext } from './context.js';
import { posixLocale, xkb } from './locale-maps.js';
import { oneWord } from './linux.js';
import { machineHostname } from './names.js';
import { assertNever } from '../../util/assert-never.js';

/** What iPXE loads for a Linux installer: kernel, initrd, and the kernel command line. */
export interface LinuxBoot {
  kernel: string;
  initrd: string;
  /** Without initrd=; renderIpxeInstall adds it for UEFI. */
  args: string[];
}

/** Per-machine answer file names under `${stationUrl}/t/<token>/`. */
export const answerFileNames = {
  autounattend: 'autounattend.xml',
  autoinstall: 'user-data',
  preseed: 'preseed.cfg',
  kickstart: 'ks.cfg',
} as const;

function media(p: Profile, rel: string): string {
  return `${(p.target as { media: string }).media.replace(/\/+$/, '')}/${rel}`;
}

/**
 * Each installer's documented way to find its answer file on the network. Every URL and
 * argument is checked to be one word: iPXE and the kernel split on spaces and iPXE
 * expands `${...}` (issue 13 item 7).
 */
export function linuxBoot(rc: RenderContext): LinuxBoot {
  const b = linuxBootUnchecked(rc);
  return {
    kernel: oneWord('the kernel URL', b.kernel),
    initrd: oneWord('the initrd URL', b.initrd),
    args: b.args.map((a) => oneWord('a kernel argument', a)),
  };
}

function linuxBootUnchecked(rc: RenderContext): LinuxBoot {
  const p = rc.profile;
  const t = p.target;
  const url = machineUrl(rc);
  switch (t.os) {
    case 'ubuntu':
      return {
        kernel: filesUrl(rc, media(p, 'casper/vmlinuz')),
        initrd: filesUrl(rc, media(p, 'casper/initrd')),
        // Subiquity: the ISO over HTTP, the NoCloud seed at our per-machine URL.
        args: [
          'ip=dhcp',
          `url=${filesUrl(rc, t.iso)}`,
          'autoinstall',
          `ds=nocloud;s=${url}/`,
          '---',
        ],
      };
    case 'debian': {
      const k = xkb(p.locale);
      return {
        kernel: filesUrl(rc, media(p, 'linux')),
        initrd: filesUrl(rc, media(p, 'initrd.gz')),
        args: [
          'auto=true',
          'priority=critical',
          `url=${url}/${answerFileNames.preseed}`,
          `debian-installer/locale=${posixLocale(p.locale)}`,
          `keyboard-configuration/xkb-keymap=${k.layout}`,
          `netcfg/get_hostname=${machineHostname(rc)}`,
          'netcfg/get_domain=',
          '---',
        ],
      };
    }
    case 'fedora':
    case 'rhel':
    case 'rocky':
    case 'alma':
      return {
        kernel: filesUrl(rc, media(p, 'images/pxeboot/vmlinuz')),
        initrd: filesUrl(rc, media(p, 'images/pxeboot/initrd.img')),
        args: [
          'ip=dhcp',
          `inst.repo=${t.repo}`,
          `inst.ks=${url}/${answerFileNames.kickstart}`,
          'inst.text',
        ],
      };
    case 'windows':
      throw new RenderError(
        'unsupported',
        'a Windows profile boots WinPE with wimboot, not a Linux kernel',
      );
    default:
      return assertNever(t, 'target');
  }
}

/** The kernel command line as one string (for the UI, docs and other bootloaders). */
export function kernelCommandLine(rc: RenderContext): string {
  return linuxBoot(rc).args.join(' ');
}
