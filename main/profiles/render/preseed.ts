import { RenderError, type RenderContext } from './context.js';
import { adminPasswordHash, linuxAgentSetup, oneWord } from './linux.js';
import { posixLocale, xkb } from './locale-maps.js';
import { machineHostname } from './names.js';

/**
 * A debconf value runs to the end of its line; a line break would start a new (forged)
 * question, so it becomes a space. Nothing else needs escaping.
 */
export function debconfValue(v: string): string {
  return v.replace(/[\r\n]+/g, ' ').trim();
}

/** Debian 12 preseed for one machine (the installer fetches it with url=). */
export function renderPreseed(rc: RenderContext): string {
  const p = rc.profile;
  const t = p.target;
  if (t.os !== 'debian') {
    throw new RenderError('unsupported', `preseed is for Debian; profile ${p.id} installs ${t.os}`);
  }
  const k = xkb(p.locale);
  const host = machineHostname(rc);
  // Shell for late_command goes through base64, so no character of it can end the line.
  const agent = Buffer.from(linuxAgentSetup(rc)).toString('base64');
  const packages = [...new Set(['curl', ...t.packages])].map((x) => oneWord('a package', x));
  const q = (owner: string, question: string, type: string, value: string): string =>
    `${owner} ${question} ${type} ${debconfValue(value)}`.trimEnd();
  const lines = [
    `# PrepStation: profile ${debconfValue(p.id)}, machine ${debconfValue(rc.machine.id)}`,
    q('d-i', 'debian-installer/locale', 'string', posixLocale(p.locale)),
    q('d-i', 'keyboard-configuration/xkb-keymap', 'select', k.layout),
    q('d-i', 'netcfg/choose_interface', 'select', 'auto'),
    q('d-i', 'netcfg/get_hostname', 'string', host),
    q('d-i', 'netcfg/hostname', 'string', host),
    q('d-i', 'netcfg/get_domain', 'string', ''),
    q('d-i', 'mirror/country', 'string', 'manual'),
    q('d-i', 'mirror/http/hostname', 'string', oneWord('target.mirror.host', t.mirror.host)),
    q(
      'd-i',
      'mirror/http/directory',
      'string',
      oneWord('target.mirror.directory', t.mirror.directory),
    ),
    q('d-i', 'mirror/http/proxy', 'string', ''),
    q('d-i', 'passwd/root-login', 'boolean', 'false'),
    q('d-i', 'passwd/user-fullname', 'string', p.admin.fullName ?? p.admin.username),
    q('d-i', 'passwd/username', 'string', p.admin.username),
    q('d-i', 'passwd/user-password-crypted', 'password', adminPasswordHash(rc)),
    q('d-i', 'clock-setup/utc', 'boolean', 'true'),
    q('d-i', 'time/zone', 'string', p.locale.timezone),
    q('d-i', 'clock-setup/ntp', 'boolean', 'true'),
    q(
      'd-i',
      'partman/early_command',
      'string',
      'debconf-set partman-auto/disk "$(list-devices disk | head -n1)"',
    ),
    q('d-i', 'partman-auto/method', 'string', 'regular'),
    q('d-i', 'partman-auto/choose_recipe', 'select', 'atomic'),
    q('d-i', 'partman-lvm/device_remove_lvm', 'boolean', 'true'),
    q('d-i', 'partman-md/device_remove_md', 'boolean', 'true'),
    q(
      'd-i',
      'partman-partitioning/choose_label',
      'select',
      rc.firmware === 'uefi' || p.disk.layout === 'gpt' ? 'gpt' : 'msdos',
    ),
    q('d-i', 'partman-partitioning/confirm_write_new_label', 'boolean', 'true'),
    q('d-i', 'partman/choose_partition', 'select', 'finish'),
    q('d-i', 'partman/confirm', 'boolean', 'true'),
    q('d-i', 'partman/confirm_nooverwrite', 'boolean', 'true'),
    q('d-i', 'partman-efi/non_efi_system', 'boolean', 'true'),
    q('tasksel', 'tasksel/first', 'multiselect', 'standard'),
    q('d-i', 'pkgsel/include', 'string', packages.join(' ')),
    q('d-i', 'pkgsel/upgrade', 'select', 'safe-upgrade'),
    q('popularity-contest', 'popularity-contest/participate', 'boolean', 'false'),
    q('d-i', 'grub-installer/only_debian', 'boolean', 'true'),
    q('d-i', 'grub-installer/bootdev', 'string', 'default'),
    q('d-i', 'preseed/late_command', 'string', `in-target sh -c "echo ${agent} | base64 -d | sh"`),
    q('d-i', 'finish-install/reboot_in_progress', 'note', ''),
  ];
  if (!p.disk.wipe) {
    throw new RenderError(
      'unsupported',
      'the Debian preseed renderer always wipes the disk; set disk.wipe: true',
    );
  }
  return lines.join('\n') + '\n';
}
