import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node-pty';
import type { StationContext, StationPart } from '../context.js';
import type { UiRoutes } from '../net/http/ui-server.js';
import { sessionEnv } from './command.js';
import { TerminalManager, type ManagerDeps, type SpawnPty } from './manager.js';
import { terminalRoutes, type TerminalRouteDeps } from './routes.js';
import type { PtyLike } from './session.js';

/** node-pty, giving raw bytes: xterm.js decodes UTF-8 itself, even split across frames. */
export const spawnPty: SpawnPty = (file, args, o) =>
  spawn(file, args, {
    name: 'xterm-256color',
    cols: o.cols,
    rows: o.rows,
    cwd: o.cwd,
    env: o.env,
    encoding: null,
  }) as unknown as PtyLike;

/** The system ssh client, or why there is none and how to get it. */
export function findSsh(
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { missing: string } {
  const exe = process.platform === 'win32' ? 'ssh.exe' : 'ssh';
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, exe);
    if (fs.existsSync(p)) return { path: p };
  }
  return {
    missing:
      process.platform === 'win32'
        ? 'No ssh client found. Add the Windows feature "OpenSSH Client" (Settings > Apps > Optional features).'
        : 'No ssh client found. Install it (Debian/Ubuntu: sudo apt install openssh-client).',
  };
}

export type TerminalPart = StationPart & { routes: UiRoutes; manager: TerminalManager };

/** Terminals as a station part: its routes go on the UI listener; stop ends every shell. */
export function terminalPart(
  ctx: StationContext,
  overrides: Partial<ManagerDeps> &
    Partial<Omit<TerminalRouteDeps, 'manager'>> &
    Pick<TerminalRouteDeps, 'machineAddress'>,
): TerminalPart {
  const manager = new TerminalManager({
    spawn: overrides.spawn ?? spawnPty,
    log: ctx.logger.child({ svc: 'terminal' }),
    now: ctx.now,
    cwd: overrides.cwd ?? os.homedir(),
    env: overrides.env ?? sessionEnv(),
    max: overrides.max,
    session: overrides.session,
  });
  const routes = terminalRoutes({
    manager,
    ssh: overrides.ssh ?? (() => findSsh()),
    knownHostsFile: overrides.knownHostsFile ?? path.join(ctx.paths.dataDir, 'ssh_known_hosts'),
    machineAddress: overrides.machineAddress,
    pingMs: overrides.pingMs,
  });
  return {
    name: 'terminal',
    manager,
    routes,
    async start() {
      // Nothing listens here: sessions open on demand through the UI listener.
    },
    async stop() {
      await manager.closeAll();
    },
  };
}
