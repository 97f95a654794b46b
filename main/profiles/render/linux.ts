import { machineUrl, type RenderContext } from './context.js';
import { saltFrom, sha512Crypt } from './sha512-crypt.js';

/** POSIX sh single quoting: the only character that needs care is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The admin password as crypt(3) SHA-512, with a salt stable per machine (golden files). */
export function adminPasswordHash(rc: RenderContext): string {
  const pw = rc.secrets.get(rc.profile.admin.password.secret);
  return sha512Crypt(pw, saltFrom(`${rc.machine.id}/${rc.profile.id}/admin`));
}

export const LINUX_AGENT_DIR = '/var/lib/prepstation';
export const LINUX_AGENT_UNIT = 'prepstation-agent.service';

/**
 * Run inside the installed system (curtin in-target, in-target, kickstart %post): a
 * systemd unit that fetches the agent from this machine's URL at every start until it
 * has it, then runs it. The agent itself survives reboots and removes the unit when done.
 */
export function linuxAgentSetup(rc: RenderContext): string {
  const url = `${machineUrl(rc)}/agent.sh`;
  const fetch =
    `test -s ${LINUX_AGENT_DIR}/agent.sh || ` +
    `{ curl -fsS -o ${LINUX_AGENT_DIR}/agent.sh.part ${url} || wget -qO ${LINUX_AGENT_DIR}/agent.sh.part ${url}; } && ` +
    `mv -f ${LINUX_AGENT_DIR}/agent.sh.part ${LINUX_AGENT_DIR}/agent.sh; ` +
    `exec /bin/sh ${LINUX_AGENT_DIR}/agent.sh`;
  const unit = [
    '[Unit]',
    'Description=PrepStation agent (apps, configuration, checks for this bench deployment)',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=/bin/sh -c ${shQuote(fetch)}`,
    'Restart=on-failure',
    'RestartSec=20',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return [
    'set -e',
    `mkdir -p ${LINUX_AGENT_DIR}`,
    `printf '%s' ${shQuote(unit)} > /etc/systemd/system/${LINUX_AGENT_UNIT}`,
    `systemctl enable ${LINUX_AGENT_UNIT}`,
    '',
  ].join('\n');
}
