import crypto from 'node:crypto';
import type { TerminalInfo, TerminalKind } from '../api/contract.js';
import type { Logger } from '../log/logger.js';
import type { SpawnSpec } from './command.js';
import {
  DEFAULT_SESSION_OPTIONS,
  TerminalSession,
  type PtyLike,
  type SessionOptions,
} from './session.js';

export const MAX_SESSIONS = 8;

export interface PtySpawnOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}

export type SpawnPty = (file: string, args: string[], o: PtySpawnOptions) => PtyLike;

export class TerminalError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ManagerDeps {
  spawn: SpawnPty;
  log: Logger;
  now: () => Date;
  cwd: string;
  env: Record<string, string>;
  max?: number;
  session?: Partial<SessionOptions>;
}

/** The station's open terminals: bounded in number, all ended when the station stops. */
export class TerminalManager {
  private readonly sessions = new Map<string, TerminalSession>();
  private stopping = false;

  constructor(private readonly d: ManagerDeps) {}

  open(
    spec: SpawnSpec & { kind: TerminalKind; machineId?: string | null; cols: number; rows: number },
  ): TerminalSession {
    if (this.stopping) {
      throw new TerminalError(
        'stopping',
        'The station is stopping; open the terminal after it restarts.',
        503,
      );
    }
    const max = this.d.max ?? MAX_SESSIONS;
    if (this.sessions.size >= max) {
      throw new TerminalError(
        'too_many_terminals',
        `${max} terminals are open already; close one first.`,
        429,
      );
    }
    let pty: PtyLike;
    try {
      pty = this.d.spawn(spec.file, spec.args, {
        cols: spec.cols,
        rows: spec.rows,
        cwd: this.d.cwd,
        env: this.d.env,
      });
    } catch (err) {
      this.d.log.error({ err, file: spec.file }, 'starting a terminal failed');
      throw new TerminalError(
        'spawn_failed',
        `Could not start ${spec.file}: ${(err as Error).message}`,
        500,
      );
    }
    const info: TerminalInfo = {
      id: crypto.randomUUID(),
      kind: spec.kind,
      title: spec.title,
      machineId: spec.machineId ?? null,
      pid: pty.pid,
      cols: spec.cols,
      rows: spec.rows,
      createdAt: this.d.now().toISOString(),
      attached: false,
    };
    const session = new TerminalSession(info, pty, this.d.log, (s) => this.sessions.delete(s.id), {
      ...DEFAULT_SESSION_OPTIONS,
      ...this.d.session,
    });
    this.sessions.set(info.id, session);
    // The title may hold a user and host, never a password: ssh asks for that in the pty.
    this.d.log.info(
      { terminal: info.id, kind: info.kind, title: info.title, pid: info.pid },
      'terminal opened',
    );
    return session;
  }

  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  list(): TerminalInfo[] {
    return [...this.sessions.values()].map((s) => ({ ...s.info }));
  }

  get size(): number {
    return this.sessions.size;
  }

  async close(id: string, reason: string): Promise<boolean> {
    const s = this.sessions.get(id);
    if (!s) return false;
    await s.close(reason);
    return true;
  }

  /** Station stop: every shell and its children end, in parallel (stop must stay quick). */
  async closeAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.sessions.values()].map((s) => s.close('station stopping')));
  }
}
