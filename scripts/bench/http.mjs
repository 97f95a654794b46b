#!/usr/bin/env node
// HTTP benchmark: the station's bench listener (`prepstation serve`, GET /files/...) against
// nginx (extracted from Debian's package, sendfile on), side by side in one run, inside a
// private network namespace. N curl clients download the same 1 GiB file at once (a row of
// PCs pulling one install image). Prints aggregate MiB/s and the ratio. Needs root and
// `npm run build:main`. `--base DIR` adds the station of another built checkout (same run,
// interleaved: the ratio station/base sees the same load).
// Usage: node scripts/bench/http.mjs [--size-mib 1024] [--clients 20] [--reps 2] [--base DIR]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  baseTree,
  extractPackages,
  httpReady,
  pkgRoot,
  reexecInNetns,
  repoRoot,
  runClients,
  startServer,
} from './bench-lib.mjs';

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

if (!process.env.PS4_BENCH_INNER) extractPackages(['nginx', 'nginx-common']);
if (reexecInNetns('http')) process.exit(0);

const sizeMiB = arg('--size-mib', 1024);
const clients = arg('--clients', 20);
const reps = arg('--reps', 2);
const base = baseTree();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-bench-http-'));
const files = path.join(work, 'files');
fs.mkdirSync(path.join(files, 'media'), { recursive: true });
const file = path.join(files, 'media', 'install.wim');
{
  // Random bytes, written once; both servers read it from the page cache.
  const fd = fs.openSync(file, 'w');
  const chunk = crypto.randomBytes(8 * 1024 * 1024);
  for (let i = 0; i < sizeMiB / 8; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}
const size = fs.statSync(file).size;

const nginxConf = path.join(work, 'nginx.conf');
fs.mkdirSync(path.join(work, 'nginx-tmp'));
fs.writeFileSync(
  nginxConf,
  `daemon off;
master_process on;
worker_processes auto;
user root;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  client_body_temp_path ${work}/nginx-tmp;
  proxy_temp_path ${work}/nginx-tmp;
  fastcgi_temp_path ${work}/nginx-tmp;
  uwsgi_temp_path ${work}/nginx-tmp;
  scgi_temp_path ${work}/nginx-tmp;
  server {
    listen 127.0.0.1:8081;
    location /files/ { alias ${files}/; }
  }
}
`,
);

/** `prepstation serve` of a tree (this one, or --base) on the bench listener `port`. */
const station = (tree, port) => ({
  port,
  start: () =>
    startServer(process.execPath, [
      path.join(tree, 'bin/prepstation.js'),
      'serve',
      '--data-dir',
      fs.mkdtempSync(path.join(work, 'data-')),
      '--files',
      files,
      '--http-port',
      String(port),
      '--ui-port',
      '0',
      '--no-tftp',
      '--log-level',
      'warn',
    ]),
});

const servers = {
  station: station(repoRoot, 8082),
  ...(base && { base: station(base, 8083) }),
  nginx: {
    port: 8081,
    start: () =>
      startServer(path.join(pkgRoot, 'usr/sbin/nginx'), ['-c', nginxConf, '-p', work], {}),
  },
};

async function measure(name) {
  const s = servers[name];
  const srv = s.start();
  // A loaded host can take a while to start a Node station (SQLite, migrations).
  await httpReady(s.port, 90_000);
  const r = await runClients(
    clients,
    () => [
      '-sS',
      '--fail',
      '-o',
      '/dev/null',
      '-w',
      '%{size_download}',
      `http://127.0.0.1:${s.port}/files/media/install.wim`,
    ],
    'curl',
  );
  await srv.stop();
  if (r.failed.length > 0) {
    process.stderr.write(`${name}: ${r.failed.length} failed: ${r.failed[0].err}\n`);
  }
  return { mibs: (sizeMiB * clients) / r.secs, secs: r.secs, bad: r.failed.length };
}

const best = {};
for (let rep = 0; rep < reps; rep++) {
  for (const name of Object.keys(servers)) {
    const m = await measure(name);
    process.stdout.write(
      `round ${rep + 1} ${name}: ${m.mibs.toFixed(0)} MiB/s (${m.secs.toFixed(1)} s)\n`,
    );
    if (!best[name] || m.mibs > best[name].mibs) best[name] = m;
  }
}
process.stdout.write(
  `\nHTTP ${clients} x ${(size / 1024 ** 3).toFixed(2)} GiB at once, curl, loopback in a namespace, best of ${reps}, load ${os.loadavg()[0].toFixed(1)}\n` +
    `station ${best.station.mibs.toFixed(0)} MiB/s, nginx ${best.nginx.mibs.toFixed(0)} MiB/s, ratio station/nginx ${(best.station.mibs / best.nginx.mibs).toFixed(2)}\n`,
);
if (best.base) {
  process.stdout.write(
    `base ${base}: ${best.base.mibs.toFixed(0)} MiB/s, ratio base/nginx ${(best.base.mibs / best.nginx.mibs).toFixed(2)}, station/base ${(best.station.mibs / best.base.mibs).toFixed(2)}\n`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
