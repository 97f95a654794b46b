import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { MachineDetail, MachineLogEntry, MachineSummary } from '../../main/api/contract.js';
import { agentScriptPath } from '../../main/agent/scripts/routes.js';
import { loadConfig } from '../../main/config/load.js';
import type { ProfileInput } from '../../main/profiles/schema.js';
import { Station } from '../../main/station.js';

/** The real local admin password the agent's local-admin-password step sets. */
export const AGENT_TEST_ADMIN_PASSWORD = 'Real-Adm1n pw:42';

/** A station on fixed loopback ports, so it can be stopped and started again mid-plan. */
export class RestartableStation {
  station: Station | null = null;
  readonly uiToken = 'ps7-agent-test-token-0123456789';

  constructor(
    readonly dataDir: string,
    readonly httpPort: number,
    readonly uiPort: number,
  ) {}

  get benchUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  async start(): Promise<void> {
    const { options } = loadConfig(
      [
        '--data-dir',
        this.dataDir,
        '--http-port',
        String(this.httpPort),
        '--ui-port',
        String(this.uiPort),
        '--ui-token',
        this.uiToken,
        '--no-tftp',
        '--log-level',
        'warn',
      ],
      {},
    );
    this.station = await Station.start(options, { stdoutLog: false });
    // Profiles here name admin-password: the installer preflight and the agent's
    // local-admin-password step need it set.
    if (!this.station.ctx.secrets.has('admin-password')) {
      this.station.ctx.secrets.set('admin-password', AGENT_TEST_ADMIN_PASSWORD);
    }
  }

  async stop(): Promise<void> {
    await this.station?.stop();
    this.station = null;
  }

  api(p: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.uiPort}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${this.uiToken}`, ...(init.headers ?? {}) },
    });
  }

  async json<T>(p: string, init: RequestInit = {}): Promise<T> {
    const r = await this.api(p, init);
    const body = (await r.json()) as T;
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${JSON.stringify(body)}`);
    return body;
  }

  async importApp(id: string, fileName: string, content: Buffer | string): Promise<void> {
    const q = new URLSearchParams({ name: id, id, version: '1', fileName });
    await this.json(`/api/v1/apps?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    });
  }

  writeProfile(input: ProfileInput): void {
    const dir = path.join(this.dataDir, 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${input.id}.yaml`), stringify(input));
  }

  /** Adds a machine with the profile, boots it like iPXE, returns its id and token. */
  async deploy(mac: string, profile: string): Promise<{ id: string; token: string }> {
    const m = await this.json<MachineSummary>('/api/v1/machines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac, profile }),
    });
    const script = await (await fetch(`${this.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)?.[1];
    if (!token) throw new Error(`no machine token in the boot script:\n${script}`);
    return { id: m.id, token };
  }

  detail(id: string): Promise<MachineDetail> {
    return this.json<MachineDetail>(`/api/v1/machines/${id}`);
  }

  async log(id: string): Promise<MachineLogEntry[]> {
    const r = await this.json<MachineLogEntry[] | { entries: MachineLogEntry[] }>(
      `/api/v1/machines/${id}/log?limit=10000`,
    );
    return Array.isArray(r) ? r : r.entries;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A PATH of busybox applets only: the agent then runs with busybox sh, awk, sed and wget. */
export function busyboxPath(dir: string): string {
  const bin = path.join(dir, 'busybox-bin');
  fs.mkdirSync(bin, { recursive: true });
  const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((b) => fs.existsSync(b))!;
  const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const a of applets) {
    const link = path.join(bin, a);
    if (!fs.existsSync(link)) fs.symlinkSync(busybox, link);
  }
  return bin;
}

export type AgentShell = 'dash' | 'busybox';

export interface AgentRun {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** A power cut: the agent and everything it started, at once. */
  kill: () => void;
  /** The exit code, or an error with the agent's output and log after `ms`. */
  wait: (ms?: number) => Promise<number | null>;
}

export function startAgent(o: {
  shell: AgentShell;
  station: string;
  token: string;
  stateDir: string;
  tmp: string;
  rebootMarker: string;
  /** A machine's own copy (station and token inside), started without arguments. */
  script?: string | undefined;
}): AgentRun {
  const env: NodeJS.ProcessEnv = {
    HOME: o.tmp,
    LANG: 'C',
    PREPSTATION_POLL: '0.2',
    PREPSTATION_RETRY_DELAY: '0.5',
    PREPSTATION_HEARTBEAT: '1',
    PREPSTATION_STATION_WAIT: '60',
    PREPSTATION_REBOOT_CMD: `touch ${o.rebootMarker}`,
    PREPSTATION_STATE: o.stateDir,
    // Never the host's chpasswd: the "user:password" lines go to a file the test reads.
    PREPSTATION_CHPASSWD_CMD: `cat >> '${path.join(o.tmp, 'chpasswd.in')}'`,
  };
  let cmd: string;
  if (o.shell === 'busybox') {
    env.PATH = busyboxPath(o.tmp);
    env.PREPSTATION_HTTP = 'wget';
    cmd = path.join(env.PATH, 'sh');
  } else {
    env.PATH = '/usr/local/bin:/usr/bin:/bin';
    env.PREPSTATION_HTTP = 'curl';
    cmd = '/usr/bin/dash';
  }
  const args = o.script
    ? [o.script]
    : [
        agentScriptPath('agent.sh'),
        'run',
        '--station',
        o.station,
        '--token',
        o.token,
        '--state-dir',
        o.stateDir,
      ];
  const child = spawn(cmd, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    wait: async (ms = 240_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          let log = '';
          try {
            log = fs.readFileSync(path.join(o.stateDir, 'agent.log'), 'utf8');
          } catch {
            // no log yet
          }
          reject(
            new Error(
              `the agent did not exit within ${ms} ms\n--- output\n${out}\n--- agent.log\n${log}`,
            ),
          );
        }, ms);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
