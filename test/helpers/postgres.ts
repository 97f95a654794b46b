/**
 * A throw-away PostgreSQL 15 for tests: initdb in a temp dir, `postgres` started as a
 * NON-root user (nobody when the test runs as root), on loopback or inside a network
 * namespace the test made, stopped by PID, dir removed. Never a system service.
 *
 *   const reason = requireOrSkip(postgresUnavailable());
 *   const pgsrv = await startPostgres();                 // loopback, a free port
 *   const pgsrv = await startPostgres({ netns: 'ps-1-db', host: '10.20.0.1', port: 5432 });
 *   pgsrv.url        // postgres://prepstation:<pw>@host:port/shop  (what a station gets)
 *   pgsrv.localUrl   // the same database over its unix socket: reachable from the test's
 *                    // own namespace even when TCP lives in another one
 *   await pgsrv.stop();
 *
 * Binaries: /usr/lib/postgresql/15/bin (Debian's postgresql-15; CI installs it with
 * scripts/ci/install-postgres.sh, which starts no service), or PREPSTATION_PG_BIN.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const pgBinDir = process.env.PREPSTATION_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** null when PostgreSQL 15's server binaries are here, else why not (for requireOrSkip). */
export function postgresUnavailable(): string | null {
  for (const b of ['initdb', 'postgres', 'pg_isready']) {
    if (!fs.existsSync(path.join(pgBinDir, b))) {
      return `PostgreSQL 15 is not installed (${path.join(pgBinDir, b)} missing; Debian package postgresql-15, see scripts/ci/install-postgres.sh)`;
    }
  }
  return null;
}

export interface StartPostgresOptions {
  /** Run inside this network namespace (made by the test); default: the test's own. */
  netns?: string;
  /** TCP listen address (default 127.0.0.1). */
  host?: string;
  /** TCP port (default: a free loopback port, or 5432 inside a namespace). */
  port?: number;
  database?: string;
}

export interface TestPostgres {
  url: string;
  localUrl: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  socketDir: string;
  pid: number;
  /** Everything the server wrote (its log goes to stderr). */
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** Runs a PostgreSQL tool as the server's user (nobody under root). */
function runAs(bin: string, args: string[], password?: string): string {
  const opts = isRoot ? { uid: NOBODY, gid: NOBODY } : {};
  return execFileSync(path.join(pgBinDir, bin), args, {
    ...opts,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    env: {
      PATH: process.env.PATH,
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      ...(password ? { PGPASSWORD: password } : {}),
    },
  });
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<TestPostgres> {
  const reason = postgresUnavailable();
  if (reason) throw new Error(reason);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'run');
  fs.mkdirSync(socketDir);
  const user = 'prepstation';
  // Letters and digits only: a URL-safe password that the masking tests can still find.
  const password = randomBytes(12).toString('hex');
  const database = opts.database ?? 'shop';
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (isRoot) {
    for (const p of [dir, socketDir, pwfile]) fs.chownSync(p, NOBODY, NOBODY);
  }
  runAs('initdb', [
    '-D',
    data,
    '-U',
    user,
    '--pwfile',
    pwfile,
    '--auth',
    'scram-sha-256',
    '-E',
    'UTF8',
    '--locale',
    'C',
    '--no-sync',
  ]);
  fs.rmSync(pwfile);
  // Stations reach it from other namespaces' addresses; every login needs the password.
  fs.writeFileSync(
    path.join(data, 'pg_hba.conf'),
    'local all all scram-sha-256\nhost all all 0.0.0.0/0 scram-sha-256\n',
  );
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (opts.netns ? 5432 : await freePort());
  const serverArgs = [
    '-D',
    data,
    '-k',
    socketDir,
    '-h',
    host,
    '-p',
    String(port),
    // A test database: durability is not what is being tested, speed is welcome.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=50',
  ];
  const postgres = path.join(pgBinDir, 'postgres');
  let child: ChildProcess;
  if (opts.netns) {
    // nsenter execs (no fork): the PID we get is the postmaster's own.
    const idArgs = isRoot ? ['-S', String(NOBODY), '-G', String(NOBODY)] : [];
    child = spawn(
      'nsenter',
      [`--net=/run/netns/${opts.netns}`, ...idArgs, '--', postgres, ...serverArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } else {
    child = spawn(postgres, serverArgs, {
      ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that dies before stop() (a timeout, a crash) must not leave a server behind.
  const reap = (): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', reap);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, 'SIGINT'); // fast shutdown: ends sessions, no checkpoint wait
      const t = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
    process.off('exit', reap);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it accepts connections on its socket (reachable from any namespace).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited during start:\n${out}`);
    }
    try {
      execFileSync(path.join(pgBinDir, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port)], {
        stdio: 'ignore',
        timeout: 10_000,
      });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not become ready within 60 s:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  runAs('createdb', ['-h', socketDir, '-p', String(port), '-U', user, database], password);
  return {
    url: `postgres://${user}:${password}@${host}:${port}/${database}`,
    localUrl: `postgres://${user}:${password}@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`,
    host,
    port,
    user,
    password,
    database,
    socketDir,
    pid: child.pid!,
    output: () => out,
    stop,
  };
}
