import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/**
 * One private network namespace per test run: a bridge with the station's address and one
 * tap per virtual machine, all created inside it. Nothing touches the machine's own
 * interfaces. The name carries our issue number and PID (ps4-pxe-<pid>), so a later run
 * can remove what a crashed run left behind, and never anything of someone else's.
 */

const prefix = 'ps4-pxe-';

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function namespaces(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killInside(ns: string): void {
  let pids: number[];
  try {
    pids = ip(['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
  } catch {
    return;
  }
  // Only our own namespace: whatever runs in it was started by this harness.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function remove(ns: string): void {
  killInside(ns);
  try {
    ip(['netns', 'del', ns]);
  } catch {
    // already gone
  }
}

/** Removes namespaces of earlier runs of this harness whose process is gone. */
export function removeStale(): void {
  for (const ns of namespaces()) {
    if (!ns.startsWith(prefix)) continue;
    const pid = Number(ns.slice(prefix.length));
    if (pid && !alive(pid)) remove(ns);
  }
}

export interface Lab {
  ns: string;
  bridge: string;
  serverIp: string;
  taps: string[];
  /** Runs a command inside the namespace; the child is tracked and killed by destroy(). */
  spawn(cmd: string, args: string[], logFile: string): ChildProcess;
  destroy(): void;
}

export function createLab(opts: { subnet: string; taps: number }): Lab {
  removeStale();
  const ns = `${prefix}${process.pid}`;
  if (namespaces().includes(ns)) remove(ns);
  const bridge = 'br0';
  const serverIp = `${opts.subnet}.1`;
  const children: ChildProcess[] = [];
  const taps = Array.from({ length: opts.taps }, (_, i) => `tap${i}`);
  let destroyed = false;

  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    for (const c of children) {
      if (c.pid && c.exitCode === null) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    remove(ns);
    process.removeListener('exit', destroy);
  };
  // Also on a crash of the test process: never leave a namespace with a DHCP server behind.
  process.once('exit', destroy);

  try {
    ip(['netns', 'add', ns]);
    const n = ['-n', ns];
    ip([...n, 'link', 'set', 'lo', 'up']);
    ip([...n, 'link', 'add', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    ip([...n, 'addr', 'add', `${serverIp}/24`, 'dev', bridge]);
    ip([...n, 'link', 'set', bridge, 'up']);
    // A bridge without a port that has carrier is not RUNNING, and Node's
    // os.networkInterfaces() (libuv) leaves such interfaces out: the station would not
    // find its bench address until a VM starts. A veth pair, both ends in here, gives carrier.
    ip([...n, 'link', 'add', 'veth-b', 'type', 'veth', 'peer', 'name', 'veth-c']);
    ip([...n, 'link', 'set', 'veth-b', 'master', bridge, 'up']);
    ip([...n, 'link', 'set', 'veth-c', 'up']);
    // IPv6 on the bridge only so that router advertisements can be sent (see startRa).
    execFileSync('ip', [
      'netns',
      'exec',
      ns,
      'sysctl',
      '-qw',
      `net.ipv6.conf.${bridge}.disable_ipv6=0`,
    ]);
    ip([...n, 'addr', 'add', 'fd74::1/64', 'dev', bridge, 'nodad']);
    for (const tap of taps) {
      ip([...n, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
      ip([...n, 'link', 'set', tap, 'master', bridge, 'up']);
    }
  } catch (err) {
    destroy();
    throw err;
  }

  return {
    ns,
    bridge,
    serverIp,
    taps,
    spawn(cmd, args, logFile) {
      const out = fs.openSync(logFile, 'a');
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
        stdio: ['ignore', out, out],
      });
      fs.closeSync(out);
      children.push(child);
      return child;
    },
    destroy,
  };
}
