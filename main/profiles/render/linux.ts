import { createHash } from 'node:crypto';
import { RenderError, machineUrl, type RenderContext } from './context.js';
import { saltFrom, sha512Crypt } from './sha512-crypt.js';

/**
 * A value that must stay one word where it lands: a kernel argument (a space starts the
 * next one), an iPXE script word (`${...}` expands, a line break starts a command), a
 * package in a kickstart %packages section or a preseed list. The schema keeps these out
 * of profiles; this refuses them in the renderer too, with the field named (issue 13).
 */
export function oneWord(field: string, value: string): string {
  if (value === '' || /[\s"'\\`$\p{Cc}]/u.test(value)) {
    throw new RenderError(
      'bad_value',
      `${field} ${JSON.stringify(value.slice(0, 80))} cannot contain spaces, quotes, backslashes, $ or control characters`,
    );
  }
  return value;
}

/** POSIX sh single quoting: the only character that needs care is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Hashes already computed, by salt and a digest of the password (never the password
 * itself): the same machine, profile and password always give the same hash, and 5000
 * SHA-512 rounds per render add up when an installer refetches its files. Bounded: the
 * oldest go first.
 */
const hashes = new Map<string, string>();
const MAX_HASHES = 2000;

/**
 * The password an answer file sets for the local admin: the deployment's one-time value
 * (rc.adminPassword), never the admin secret itself; the agent sets the real one later
 * over its authenticated channel. Previews (masked secrets) show the mask.
 */
export function oneTimeAdminPassword(rc: RenderContext): string {
  if (rc.adminPassword !== undefined) return rc.adminPassword;
  if (rc.secrets.masked) return rc.secrets.get(rc.profile.admin.password.secret);
  throw new RenderError(
    'missing_secret',
    'no one-time admin password for this deployment: a machine render must be given one',
  );
}

/** The admin password as crypt(3) SHA-512, with a salt stable per machine (golden files). */
export function adminPasswordHash(rc: RenderContext): string {
  const pw = oneTimeAdminPassword(rc);
  const salt = saltFrom(`${rc.machine.id}/${rc.profile.id}/admin`);
  const key = `${salt}/${createHash('sha256').update(pw).digest('base64')}`;
  let hash = hashes.get(key);
  if (hash === undefined) {
    hash = sha512Crypt(pw, salt);
    if (hashes.size >= MAX_HASHES) hashes.delete(hashes.keys().next().value!);
    hashes.set(key, hash);
  }
  return hash;
}

export const LINUX_AGENT_DIR = '/var/lib/prepstation';
export const LINUX_AGENT_UNIT = 'prepstation-agent.service';

/**
 * Run inside the installed system (curtin in-target, in-target, kickstart %post): a
 * systemd unit that fetches the agent from this machine's URL at every start until it
 * has it, then runs it. The agent itself survives reboots and removes the unit when done.
 */
export function linuxAgentSetup(rc: RenderContext): string {
  // The URL goes into the unit's environment; `$$` is systemd's escape for a literal `$`,
  // so sh, not systemd, expands it, and no quoting of the URL is needed anywhere.
  const url = `${machineUrl(rc)}/agent.sh`;
  if (/[\s"'\\]/.test(url))
    throw new RenderError('bad_value', 'the station URL cannot contain spaces or quotes');
  const fetch =
    `test -s ${LINUX_AGENT_DIR}/agent.sh || ` +
    `{ curl -fsS -o ${LINUX_AGENT_DIR}/agent.sh.part "$$PREPSTATION_AGENT_URL" || ` +
    `wget -qO ${LINUX_AGENT_DIR}/agent.sh.part "$$PREPSTATION_AGENT_URL"; } && ` +
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
    `Environment=PREPSTATION_AGENT_URL=${url}`,
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
