/**
 * Network namespaces for tests that broadcast (DHCP, PXE): everything a test builds lives
 * inside namespaces it creates, and cleanup() removes them again. Nothing is ever created in
 * the root namespace: veth pairs are made inside a namespace and their peer moved to
 * another one, and a "segment" is a bridge inside a switch namespace of its own.
 *
 * Names are `<prefix>-<pid>-<name>` (prefix such as ps3), so two engineers or two test
 * files never collide, and sweepStale() can remove what a crashed run of the same prefix
 * left behind (the pid in the name is no longer alive).
 *
 * Usage:
 *   const lab = new NetnsLab('ps3');
 *   const srv = lab.namespace('srv');
 *   const seg = lab.segment('bench');
 *   lab.attach(seg, srv, 'eth0', { address: '10.33.0.1/24' });
 *   await lab.exec(srv, ['ip', 'addr']);
 *   const p = lab.spawn(srv, ['dnsmasq', '--no-daemon', ...]);
 *   await lab.cleanup();
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Segment {
  /** The switch namespace holding the bridge. */
  ns: string;
  bridge: string;
  ports: number;
}

export interface Spawned {
  child: ChildProcess;
  /** Everything written so far (stdout and stderr interleaved), and each apart. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first output line that matches, or rejects after timeoutMs. */
  waitFor: (re: RegExp, timeoutMs?: number) => Promise<string>;
  /** Resolves with the exit code (or null when killed by a signal). */
  exited: Promise<number | null>;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

/** The PIDs of the processes running inside a namespace. */
function pidsIn(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Removes namespaces `<prefix>-<pid>-*` whose creating process is gone (a test run that was
 * killed), after stopping what still runs inside them: servers and QEMUs a test started
 * there, found by PID with `ip netns pids`.
 */
export function sweepStale(prefix: string): string[] {
  const removed: string[] = [];
  const re = new RegExp(`^${prefix}-(\\d+)-`);
  for (const ns of listNamespaces()) {
    const m = re.exec(ns);
    if (!m || pidAlive(Number(m[1]))) continue;
    for (const pid of pidsIn(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      ip(['netns', 'del', ns]);
      removed.push(ns);
    } catch {
      // already gone
    }
  }
  return removed;
}

export class NetnsLab {
  private readonly namespaces: string[] = [];
  private readonly children: Spawned[] = [];
  private readonly base: string;

  constructor(prefix: string) {
    sweepStale(prefix);
    this.base = `${prefix}-${process.pid}`;
    // If the test process ends without cleanup() (a timeout, a crash), still leave nothing.
    process.once('exit', () => this.cleanupNow());
  }

  /** Synchronous last-resort cleanup for process exit. */
  private cleanupNow(): void {
    for (const s of this.children.splice(0)) {
      try {
        if (s.child.pid !== undefined) process.kill(-s.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        ip(['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  }

  /** Creates namespace `<prefix>-<pid>-<name>` with loopback up; returns its full name. */
  namespace(name: string): string {
    const ns = `${this.base}-${name}`;
    ip(['netns', 'add', ns]);
    this.namespaces.push(ns);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** A bridge in a switch namespace of its own: attach() namespaces to it. */
  segment(name: string): Segment {
    const ns = this.namespace(`sw-${name}`);
    ip(['-n', ns, 'link', 'add', 'br0', 'type', 'bridge']);
    // No STP delay: a port forwards as soon as it is up.
    ip(['-n', ns, 'link', 'set', 'br0', 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0']);
    ip(['-n', ns, 'link', 'set', 'br0', 'up']);
    return { ns, bridge: 'br0', ports: 0 };
  }

  /** Plugs namespace `ns` into a segment with an interface called `ifname`. */
  attach(
    seg: Segment,
    ns: string,
    ifname: string,
    opts: { address?: string; mac?: string } = {},
  ): void {
    const port = `p${++seg.ports}`;
    ip(['-n', seg.ns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns]);
    ip(['-n', seg.ns, 'link', 'set', port, 'master', seg.bridge, 'up']);
    this.configure(ns, ifname, opts);
  }

  /**
   * A tap device on the segment's bridge, for QEMU: run QEMU in `seg.ns` with
   * `-netdev tap,ifname=<name>,script=no,downscript=no`.
   */
  tap(seg: Segment, name: string): string {
    ip(['-n', seg.ns, 'tuntap', 'add', name, 'mode', 'tap']);
    ip(['-n', seg.ns, 'link', 'set', name, 'master', seg.bridge, 'up']);
    return name;
  }

  /** A veth pair straight between two namespaces. */
  link(
    a: { ns: string; ifname: string; address?: string; mac?: string },
    b: { ns: string; ifname: string; address?: string; mac?: string },
  ): void {
    ip([
      '-n',
      a.ns,
      'link',
      'add',
      a.ifname,
      'type',
      'veth',
      'peer',
      'name',
      b.ifname,
      'netns',
      b.ns,
    ]);
    this.configure(a.ns, a.ifname, a);
    this.configure(b.ns, b.ifname, b);
  }

  private configure(ns: string, ifname: string, opts: { address?: string; mac?: string }): void {
    if (opts.mac) ip(['-n', ns, 'link', 'set', ifname, 'address', opts.mac]);
    if (opts.address) ip(['-n', ns, 'addr', 'add', opts.address, 'dev', ifname]);
    ip(['-n', ns, 'link', 'set', ifname, 'up']);
  }

  /** Runs a command inside `ns` to completion (bounded by timeoutMs). */
  exec(
    ns: string,
    argv: string[],
    opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<ExecResult> {
    const s = this.spawn(ns, argv, { env: opts.env });
    const timer = setTimeout(() => this.kill(s), opts.timeoutMs ?? 30_000);
    return s.exited.then((code) => {
      clearTimeout(timer);
      const i = this.children.indexOf(s);
      if (i >= 0) this.children.splice(i, 1);
      return { code, stdout: s.stdout(), stderr: s.stderr() };
    });
  }

  /** Starts a long-running command inside `ns`; cleanup() stops it (by its own PID). */
  spawn(ns: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Spawned {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], {
      // Its own process group, so cleanup() can stop it and its children by this one PID.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    let out = '';
    let stdout = '';
    let stderr = '';
    const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
    const onData = (chunk: Buffer, which: 'out' | 'err'): void => {
      const text = chunk.toString();
      out += text;
      if (which === 'out') stdout += text;
      else stderr += text;
      for (const w of [...waiters]) {
        const line = out.split('\n').find((l) => w.re.test(l));
        if (line !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    };
    child.stdout!.on('data', (c: Buffer) => onData(c, 'out'));
    child.stderr!.on('data', (c: Buffer) => onData(c, 'err'));
    const exited = new Promise<number | null>((resolve) => {
      child.on('close', (code) => resolve(code));
      child.on('error', () => resolve(-1));
    });
    const s: Spawned = {
      child,
      output: () => out,
      stdout: () => stdout,
      stderr: () => stderr,
      exited,
      waitFor: (re, timeoutMs = 20_000) =>
        new Promise<string>((resolve, reject) => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line !== undefined) return resolve(line);
          const timer = setTimeout(
            () => reject(new Error(`timed out waiting for ${re} in:\n${out.slice(-3000)}`)),
            timeoutMs,
          );
          waiters.push({
            re,
            resolve: (l) => {
              clearTimeout(timer);
              resolve(l);
            },
          });
          void exited.then(() =>
            setTimeout(() => reject(new Error(`exited before ${re}:\n${out.slice(-3000)}`)), 50),
          );
        }),
    };
    this.children.push(s);
    return s;
  }

  /** Stops one spawned command: SIGTERM to its process group, SIGKILL after 2 s. */
  async kill(s: Spawned, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const pid = s.child.pid;
    if (pid !== undefined && s.child.exitCode === null && s.child.signalCode === null) {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
      const t = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 2000);
      await s.exited;
      clearTimeout(t);
    }
    return s.exited;
  }

  /** Stops every spawned command and deletes every namespace this lab created. */
  async cleanup(): Promise<void> {
    await Promise.all(this.children.splice(0).map((s) => this.kill(s)));
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        ip(['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
  }
}
