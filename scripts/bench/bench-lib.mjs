// Shared by the benchmarks: reference servers extracted from Debian packages (never
// installed: tftpd-hpa and nginx ship system services), a private network namespace so
// that port 69 and the load stay away from everything else, and timing helpers.
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = process.env.PS4_BENCH_CACHE ?? '/var/tmp/ps4-bench';
export const pkgRoot = path.join(cacheDir, 'root');

/**
 * `--base DIR` (or PS4_BENCH_BASE=DIR): another built checkout of PrepStation (say the commit
 * before a refactoring), benchmarked as one more server in the same run, interleaved with
 * this tree's, so the new/base ratio sees the same load. null when not asked for.
 */
export function baseTree() {
  const i = process.argv.indexOf('--base');
  const dir = i >= 0 ? process.argv[i + 1] : process.env.PS4_BENCH_BASE;
  if (!dir) return null;
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'dist/main/cli.js'))) {
    process.stderr.write(
      `--base ${root}: no dist/ there; run npm ci && npm run build in it first\n`,
    );
    process.exit(2);
  }
  return root;
}

/** apt-get download + dpkg-deb -x into the cache, once per package. */
export function extractPackages(pkgs) {
  fs.mkdirSync(path.join(cacheDir, 'debs'), { recursive: true });
  for (const pkg of pkgs) {
    const stamp = path.join(cacheDir, `.${pkg}.extracted`);
    if (fs.existsSync(stamp)) continue;
    const debs = () =>
      fs.readdirSync(path.join(cacheDir, 'debs')).filter((f) => f.startsWith(pkg + '_'));
    if (debs().length === 0) {
      execFileSync('apt-get', ['download', pkg], {
        cwd: path.join(cacheDir, 'debs'),
        stdio: 'ignore',
      });
    }
    execFileSync('dpkg-deb', ['-x', path.join(cacheDir, 'debs', debs()[0]), pkgRoot]);
    fs.writeFileSync(stamp, '');
  }
}

export const libEnv = {
  ...process.env,
  LD_LIBRARY_PATH: [
    path.join(pkgRoot, 'lib/x86_64-linux-gnu'),
    path.join(pkgRoot, 'usr/lib/x86_64-linux-gnu'),
  ].join(':'),
};

/**
 * Runs this script again inside a fresh namespace (loopback only) and removes it after.
 * Returns true in the outer process (which should then exit), false inside.
 */
export function reexecInNetns(tag) {
  if (process.env.PS4_BENCH_INNER) return false;
  if (process.getuid?.() !== 0) {
    process.stderr.write('benchmarks run in a network namespace: run as root\n');
    process.exit(2);
  }
  const ns = `ps4-bench-${tag}-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    // tftpd-hpa resolves its bind address with AI_ADDRCONFIG, which ignores loopback and
    // fails in a namespace that has nothing else: a veth pair (both ends in here) gives it one.
    execFileSync('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.199.0.1/24', 'dev', 'v0']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'v0', 'up']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'v1', 'up']);
    execFileSync('ip', ['netns', 'exec', ns, process.execPath, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, PS4_BENCH_INNER: '1' },
    });
  } finally {
    // Whatever is still inside was started by this benchmark.
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    for (const p of pids) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // gone
      }
    }
    execFileSync('ip', ['netns', 'del', ns]);
  }
  return true;
}

/** Starts a server; resolves with a stop() that kills it by its PID. */
export function startServer(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  let err = '';
  child.stderr?.on('data', (c) => (err += c));
  return {
    child,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs n copies of a command at once; resolves with wall seconds and failures. */
export async function runClients(n, makeArgs, cmd, timeoutMs = 300_000) {
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise((resolve) => {
          const c = spawn(cmd, makeArgs(i), { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          c.stderr.on('data', (d) => (err += d));
          const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
          c.on('exit', (code) => {
            clearTimeout(timer);
            resolve({ code, err });
          });
        }),
    ),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { secs, failed: results.filter((r) => r.code !== 0) };
}

/** Resolves once a TFTP server answers on the port (an error for a missing file counts). */
export async function tftpReady(port, timeoutMs = 15_000) {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  const rrq = Buffer.concat([Buffer.from([0, 1]), Buffer.from('no-such-probe\0octet\0')]);
  try {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const answered = new Promise((r) => {
        sock.once('message', () => r(true));
        setTimeout(() => r(false), 200);
      });
      sock.send(rrq, port, '127.0.0.1');
      if (await answered) return;
      sock.removeAllListeners('message');
      if (Date.now() > end) throw new Error(`no TFTP server answers on port ${port}`);
    }
  } finally {
    sock.close();
  }
}

/** Resolves once an HTTP server answers on the port. */
export async function httpReady(port, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      if (Date.now() > end) throw new Error(`no HTTP server answers on port ${port}`);
      await sleep(100);
    }
  }
}
