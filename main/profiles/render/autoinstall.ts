import YAML from 'yaml';
import { machineUrl, RenderError, type RenderContext } from './context.js';
import { adminPasswordHash, linuxAgentSetup } from './linux.js';
import { posixLocale, xkb } from './locale-maps.js';
import { machineHostname } from './names.js';

/**
 * Ubuntu 24.04 autoinstall as cloud-init user-data (NoCloud seed). Built as data and
 * written by the yaml library, so names and passwords are quoted by YAML's own rules.
 */
export function renderAutoinstall(rc: RenderContext): string {
  const p = rc.profile;
  if (p.target.os !== 'ubuntu') {
    throw new RenderError(
      'unsupported',
      `autoinstall is for Ubuntu; profile ${p.id} installs ${p.target.os}`,
    );
  }
  const k = xkb(p.locale);
  if (!p.disk.wipe) {
    throw new RenderError(
      'unsupported',
      'the Ubuntu autoinstall renderer always wipes the disk; set disk.wipe: true',
    );
  }
  const autoinstall = {
    version: 1,
    locale: posixLocale(p.locale),
    keyboard: k.variant ? { layout: k.layout, variant: k.variant } : { layout: k.layout },
    timezone: p.locale.timezone,
    identity: {
      hostname: machineHostname(rc),
      realname: p.admin.fullName ?? p.admin.username,
      username: p.admin.username,
      password: adminPasswordHash(rc),
    },
    ssh: { 'install-server': p.target.packages.includes('openssh-server'), 'allow-pw': true },
    // Subiquity picks GPT/ESP on UEFI and a BIOS boot partition on BIOS by itself.
    storage: { layout: { name: 'direct', match: { size: 'largest' } } },
    packages: p.target.packages,
    'late-commands': [['curtin', 'in-target', '--', 'sh', '-c', linuxAgentSetup(rc)]],
    // The installer's own progress, for the bar on the bench (main/machine-api/installer-events.ts).
    reporting: {
      prepstation: {
        type: 'webhook',
        endpoint: `${machineUrl(rc)}/installer-events`,
        level: 'INFO',
      },
    },
    shutdown: 'reboot',
  };
  return (
    '#cloud-config\n' +
    `# PrepStation: profile ${p.id}, machine ${p.customer ? p.customer.code + ' ' : ''}${rc.machine.id}\n`.replace(
      /[\r\n]+(?!$)/g,
      ' ',
    ) +
    YAML.stringify({ autoinstall }, { lineWidth: 0 })
  );
}

/** The NoCloud meta-data file next to user-data. */
export function renderMetaData(rc: RenderContext): string {
  return YAML.stringify({
    'instance-id': `prepstation-${rc.machine.id}`,
    'local-hostname': machineHostname(rc),
  });
}
