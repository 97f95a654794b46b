import { RenderError, type RenderContext } from './context.js';
import { adminPasswordHash, linuxAgentSetup, oneWord, shQuote } from './linux.js';
import { posixLocale, xkb } from './locale-maps.js';
import { machineHostname } from './names.js';

/**
 * Kickstart for Fedora/RHEL-family installers. Command arguments are split the way
 * pykickstart does (shlex), so every value is single-quoted like a shell word.
 */
export function renderKickstart(rc: RenderContext): string {
  const p = rc.profile;
  const t = p.target;
  if (t.os !== 'fedora' && t.os !== 'rhel' && t.os !== 'rocky' && t.os !== 'alma') {
    throw new RenderError(
      'unsupported',
      `kickstart is for Fedora/RHEL; profile ${p.id} installs ${t.os}`,
    );
  }
  const k = xkb(p.locale);
  const oneLine = (v: string): string => v.replace(/[\r\n]+/g, ' ');
  const agent = linuxAgentSetup(rc);
  const packages = [...new Set(['curl', ...t.packages])].map((x) => oneWord('a package', x));
  return [
    `# PrepStation: profile ${oneLine(p.id)}, machine ${oneLine(rc.machine.id)}`,
    'text',
    `lang ${posixLocale(p.locale)}`,
    `keyboard --vckeymap=${shQuote(k.layout)} --xlayouts=${shQuote(k.variant ? `${k.layout} (${k.variant})` : k.layout)}`,
    `timezone ${shQuote(oneLine(p.locale.timezone))} --utc`,
    `network --bootproto=dhcp --activate --hostname=${shQuote(machineHostname(rc))}`,
    `url --url=${shQuote(oneWord('target.repo', t.repo))}`,
    'rootpw --lock',
    `user --name=${shQuote(p.admin.username)} --gecos=${shQuote(oneLine(p.admin.fullName ?? p.admin.username))} --groups=wheel --iscrypted --password=${shQuote(adminPasswordHash(rc))}`,
    ...(p.disk.wipe ? ['zerombr', 'clearpart --all --initlabel', 'autopart'] : ['autopart']),
    'bootloader',
    'firstboot --disabled',
    'services --enabled=sshd',
    'reboot',
    '',
    '%packages',
    '@core',
    ...packages,
    '%end',
    '',
    '%post --log=/root/prepstation-post.log',
    agent.trimEnd(),
    '%end',
    '',
  ].join('\n');
}
