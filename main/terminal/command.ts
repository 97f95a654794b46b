import { isIP } from 'node:net';

/** What node-pty runs for a session. */
export interface SpawnSpec {
  file: string;
  args: string[];
  title: string;
}

/**
 * The technician's own shell on the station, interactive but not a login shell, as desktop
 * terminals start it (their ~/.bashrc applies; a login profile that takes seconds does not).
 */
export function localShell(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): SpawnSpec {
  if (platform === 'win32') {
    return { file: 'powershell.exe', args: ['-NoLogo'], title: 'Station shell' };
  }
  const shell = env.SHELL && env.SHELL.startsWith('/') ? env.SHELL : '/bin/bash';
  return { file: shell, args: [], title: 'Station shell' };
}

// A user or host that starts with '-' would be read by ssh as an option (CVE-2017-1000117
// was this bug in git's ssh URLs); these patterns also keep spaces and quotes out.
const USER = /^[A-Za-z0-9_.][A-Za-z0-9_.@\\-]{0,63}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function validSshUser(user: string): boolean {
  return USER.test(user);
}

export function validSshHost(host: string): boolean {
  return isIP(host) !== 0 || HOSTNAME.test(host);
}

export interface SshTarget {
  user: string;
  host: string;
  port?: number;
  /**
   * Name the host key is filed under. Bench machines are reinstalled (new host key) and
   * addresses move between machines, so a machine's key is kept per machine and deployment:
   * a reinstall is a new entry, not a "REMOTE HOST IDENTIFICATION HAS CHANGED" dead end.
   */
  hostKeyAlias?: string;
}

/** ssh through the system client, with the station's own known_hosts file. */
export function sshCommand(t: SshTarget, knownHostsFile: string, sshBinary = 'ssh'): SpawnSpec {
  if (!validSshUser(t.user))
    throw new Error(`not a valid ssh user name: ${JSON.stringify(t.user)}`);
  if (!validSshHost(t.host)) throw new Error(`not a valid host: ${JSON.stringify(t.host)}`);
  const quoted = /\s/.test(knownHostsFile) ? `"${knownHostsFile}"` : knownHostsFile;
  const args = [
    '-o',
    `UserKnownHostsFile=${quoted}`,
    // First contact records the key; a changed key for the same name is refused.
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'ServerAliveInterval=15',
  ];
  if (t.hostKeyAlias) args.push('-o', `HostKeyAlias=${t.hostKeyAlias}`);
  if (t.port !== undefined) args.push('-p', String(t.port));
  args.push('-l', t.user, '--', t.host);
  const shown = t.host.includes(':') ? `[${t.host}]` : t.host;
  return { file: sshBinary, args, title: `${t.user}@${shown}` };
}

/**
 * The environment a session starts with: the station's, minus its own settings (the UI
 * token may be among them), with a terminal type xterm.js understands.
 */
export function sessionEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k.startsWith('PREPSTATION_')) continue;
    out[k] = v;
  }
  out.TERM = 'xterm-256color';
  out.COLORTERM = 'truecolor';
  return out;
}
