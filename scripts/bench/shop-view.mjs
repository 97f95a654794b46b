#!/usr/bin/env node
// Benchmark, not a test (issue 20): 4 stations x 250 simulated machines, each station
// shipping its machine events to one shop PostgreSQL, and `prepstation shop serve` reading
// it. Measures the time from a report accepted on a station (the `at` the station stamps on
// the machine event) to that event's machine row on the shop view's event stream (p50, p95;
// target p95 < 1 s), and the CPU of PostgreSQL (postmaster + backends), of the shop view,
// and of the stations with and without shipping (a first round without --database: the
// difference is what shipping costs, as the shipper runs inside the station process).
//
//   npm run build:main && node scripts/bench/shop-view.mjs [--stations 4] [--machines 250]
//       [--speed 200] [--skip-baseline]
//
// Loopback only. PostgreSQL 15 from /usr/lib/postgresql/15/bin (or PREPSTATION_PG_BIN), run
// as `nobody` when this runs as root, in a temp dir, stopped by PID. Every process is local:
// the figures include the CPU contention of 4 stations, 4 simulators and the database on
// one host; the machine's load average is printed with them.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pgClient from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/prepstation.js');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const STATIONS = Number(arg('stations', '4'));
const MACHINES = Number(arg('machines', '250'));
const SPEED = Number(arg('speed', '200'));
const BASELINE = !process.argv.includes('--skip-baseline');
const pgBin = process.env.PREPSTATION_PG_BIN ?? '/usr/lib/postgresql/15/bin';

if (!fs.existsSync(path.join(root, 'dist/main/shop/view/server.js'))) {
  process.stderr.write('dist/ has no shop view: run `npm run build:main` first\n');
  process.exit(2);
}
if (!fs.existsSync(path.join(pgBin, 'postgres'))) {
  process.stderr.write(`PostgreSQL 15 is not in ${pgBin} (scripts/ci/install-postgres.sh)\n`);
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ps20-bench-shop-'));
const children = [];
const pgDirs = [];
const cleanup = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of [tmp, ...pgDirs]) fs.rmSync(d, { recursive: true, force: true });
};
process.on('exit', cleanup);

// ---- CPU from /proc ----------------------------------------------------------------
// /proc/<pid>/stat fields 14-17: utime, stime, cutime, cstime in clock ticks (100 per second).
function statOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(f[1]),
      self: Number(f[11]) + Number(f[12]),
      kids: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;
  }
}
const cpuOf = (pid) => statOf(pid)?.self ?? 0;
/** The postmaster, its live backends, and the backends that already ended (reaped: cutime). */
function treeTicks(pid) {
  const top = statOf(pid);
  if (!top) return 0;
  let sum = top.self + top.kids;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = statOf(Number(d));
    if (s && s.ppid === pid) sum += s.self;
  }
  return sum;
}

// ---- PostgreSQL, throw-away ------------------------------------------------------------
async function startPostgres() {
  const isRoot = process.getuid?.() === 0;
  const ids = isRoot ? { uid: 65534, gid: 65534 } : {};
  // Its own temp dir, owned by the server's user (the bench's dir is root's, mode 0700).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps20-bench-pg-'));
  pgDirs.push(dir);
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'run');
  fs.mkdirSync(sock, { recursive: true });
  const password = randomBytes(12).toString('hex');
  const pw = path.join(dir, 'pw');
  fs.writeFileSync(pw, password + '\n', { mode: 0o600 });
  if (isRoot) for (const p of [dir, sock, pw]) fs.chownSync(p, 65534, 65534);
  const env = { PATH: process.env.PATH, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PGPASSWORD: password };
  const run = (b, a) => {
    try {
      execFileSync(path.join(pgBin, b), a, { ...ids, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      throw new Error(`${b} failed: ${err.stderr?.toString() ?? err.message}`, { cause: err });
    }
  };
  run('initdb', [
    '-D',
    data,
    '-U',
    'prepstation',
    '--pwfile',
    pw,
    '--auth',
    'scram-sha-256',
    '-E',
    'UTF8',
    '--locale',
    'C',
    '--no-sync',
  ]);
  fs.writeFileSync(
    path.join(data, 'pg_hba.conf'),
    'local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n',
  );
  const port = await freePort();
  // Durable as Debian ships it (fsync on): the shop's database is a real one.
  const pg = spawn(
    path.join(pgBin, 'postgres'),
    ['-D', data, '-k', sock, '-h', '127.0.0.1', '-p', String(port), '-c', 'max_connections=100'],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(pg);
  let log = '';
  pg.stderr.on('data', (d) => (log += d));
  for (let i = 0; ; i++) {
    try {
      execFileSync(path.join(pgBin, 'pg_isready'), ['-q', '-h', sock, '-p', String(port)], {
        stdio: 'ignore',
      });
      break;
    } catch {
      if (i > 300) throw new Error(`postgres did not start:\n${log}`);
      await sleep(100);
    }
  }
  run('createdb', ['-h', sock, '-p', String(port), '-U', 'prepstation', 'shop']);
  return {
    pid: pg.pid,
    url: `postgres://prepstation:${password}@127.0.0.1:${port}/shop`,
    proc: pg,
  };
}

// ---- stations ------------------------------------------------------------------------------
const PROFILE = `id: bench-office
name: Bench office PCs
customer: { name: Bench customer, code: BENCH }
target: { os: ubuntu, version: '24.04', media: ubuntu, iso: ubuntu/live.iso }
admin: { username: tech, password: { secret: bench-admin } }
apps:
  - { id: browser, name: Browser, source: { system: firefox-esr }, installer: system, retries: 1 }
  - { id: remote, name: Remote support, source: { package: remote }, installer: sh, retries: 1, rebootCodes: [3010] }
config:
  - { id: motd, type: file, path: /etc/motd, content: "Prepared by PrepStation\\n" }
checks:
  - { id: hostname, type: hostname }
`;
const TOKEN = 'bench-ui-token-0123456789abcdef';

async function api(ui, p, init = {}) {
  const r = await fetch(ui + p, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) },
  });
  if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

async function startStation(name, extra) {
  const dataDir = path.join(tmp, `${name}-${extra.length ? 'db' : 'alone'}`);
  fs.mkdirSync(path.join(dataDir, 'profiles'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'profiles', 'bench-office.yaml'), PROFILE);
  const httpPort = await freePort();
  const uiPort = await freePort();
  const proc = spawn(
    process.execPath,
    [
      bin,
      'serve',
      '--data-dir',
      dataDir,
      '--http-port',
      String(httpPort),
      '--ui-port',
      String(uiPort),
      '--ui-token',
      TOKEN,
      '--no-tftp',
      '--log-level',
      'warn',
      '--station-name',
      name,
      ...extra,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  children.push(proc);
  const ui = `http://127.0.0.1:${uiPort}`;
  for (let i = 0; ; i++) {
    try {
      await api(ui, '/api/v1/health');
      break;
    } catch {
      if (i > 300) throw new Error(`station ${name} did not start`);
      await sleep(100);
    }
  }
  await api(ui, '/api/v1/secrets/bench-admin', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value: 'bench-Pa55word' }),
  });
  await api(
    ui,
    `/api/v1/apps?${new URLSearchParams({ name: 'remote', id: 'remote', version: '1', fileName: 'remote.sh' })}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(2000, 7),
    },
  );
  return { name, proc, ui, bench: `http://127.0.0.1:${httpPort}` };
}

function simulateOn(st, seed) {
  const sim = spawn(
    process.execPath,
    [
      bin,
      'simulate',
      '--station',
      st.bench,
      '--machines',
      String(MACHINES),
      '--speed',
      String(SPEED),
      '--seed',
      String(seed),
      '--assign',
      'bench-office',
      '--ui',
      st.ui,
      '--ui-token',
      TOKEN,
      '--ramp',
      '300',
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(sim);
  let out = '';
  sim.stdout.on('data', (d) => (out += d));
  return new Promise((resolve) =>
    sim.on('exit', (code) => resolve({ code, summary: out ? JSON.parse(out) : null })),
  );
}

/**
 * The shop view's event stream, read in a worker thread of its own, as a browser in another
 * process would: arrival times are taken there, so this script's own work (starting
 * processes, matching) adds nothing to them. Posts [station, machine, updatedSeq, arrivalMs].
 */
const WATCHER = `
const { parentPort, workerData } = require('node:worker_threads');
const pg = require('pg');
// A listener of our own beside the view's: when each chunk's NOTIFY reached a client.
(async () => {
  const c = new pg.Client({ connectionString: workerData.db });
  await c.connect();
  c.on('notification', (n) => {
    const p = JSON.parse(n.payload);
    parentPort.postMessage({ notify: [p.station, p.fromSeq, p.toSeq, Date.now()] });
  });
  await c.query('LISTEN prepstation_shop_events');
  parentPort.postMessage({ listening: true });
})().catch((err) => parentPort.postMessage({ error: String(err) }));
(async () => {
  const res = await fetch(workerData.url + '/api/v1/events', {
    headers: { authorization: 'Bearer ' + workerData.token },
  });
  parentPort.postMessage({ ready: true });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const at = Date.now();
    buf += value;
    const out = [];
    let i;
    while ((i = buf.indexOf('\\n\\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const line = block.split('\\n').find((l) => l.startsWith('data: ['));
      if (!line) continue;
      for (const e of JSON.parse(line.slice(6))) {
        if (e.type !== 'shop') continue;
        for (const m of e.machines) out.push([m.stationName, m.machineId, m.updatedSeq, at]);
      }
    }
    if (out.length) parentPort.postMessage({ rows: out });
  }
})().catch((err) => parentPort.postMessage({ error: String(err) }));
`;

function watchShop(url, db) {
  const rows = [];
  const notifies = [];
  const w = new Worker(WATCHER, { eval: true, workerData: { url, token: TOKEN, db } });
  let n = 0;
  const ready = new Promise((resolve, reject) => {
    w.on('message', (m) => {
      if ((m.ready || m.listening) && ++n === 2) resolve();
      if (m.rows) rows.push(...m.rows);
      if (m.notify) notifies.push(m.notify);
      if (m.error) reject(new Error(m.error));
    });
  });
  return { rows, notifies, ready, stop: () => w.terminate() };
}

async function round(withDb, pg, shop) {
  const names = Array.from({ length: STATIONS }, (_, i) => `bench-${i + 1}`);
  const stations = [];
  for (const n of names) stations.push(await startStation(n, withDb ? ['--database', pg.url] : []));
  let watcher = null;
  if (withDb) {
    watcher = watchShop(shop.url, pg.url);
    await watcher.ready;
  }
  const cpu0 = stations.map((s) => cpuOf(s.proc.pid));
  const pg0 = pg ? treeTicks(pg.pid) : 0;
  const shop0 = shop ? cpuOf(shop.proc.pid) : 0;
  const t0 = Date.now();
  const results = await Promise.all(stations.map((s, i) => simulateOn(s, i + 1)));
  const wall = (Date.now() - t0) / 1000;
  // Shipping and the shop stream trail the bench: wait until every station's outbox is empty.
  if (withDb) {
    for (let i = 0; i < 600; i++) {
      const st = await Promise.all(stations.map((s) => api(s.ui, '/api/v1/shop/status')));
      if (st.every((x) => x.backlog === 0)) break;
      await sleep(100);
    }
    await sleep(1500);
  }
  const cpu = stations.map((s, i) => (cpuOf(s.proc.pid) - cpu0[i]) / 100);
  const pgCpu = pg ? (treeTicks(pg.pid) - pg0) / 100 : 0;
  const shopCpu = shop ? (cpuOf(shop.proc.pid) - shop0) / 100 : 0;
  if (watcher) await watcher.stop();
  for (const s of stations) s.proc.kill('SIGTERM');
  await Promise.all(
    stations.map(
      (s) => new Promise((r) => (s.proc.exitCode !== null ? r() : s.proc.on('exit', r))),
    ),
  );

  // Every event the stations accepted, with the time they stamped on it (the same host
  // clock), and when its chunk was committed (shipped_at: its transaction's start).
  const accepted = []; // [station, machine, seq, acceptedAtMs, shippedAtMs]
  if (withDb) {
    const c = new pgClient.Client({ connectionString: pg.url });
    await c.connect();
    const r = await c.query(
      `SELECT s.name, s.id, e.machine_id, e.seq, extract(epoch FROM e.at) * 1000 AS at,
              extract(epoch FROM e.shipped_at) * 1000 AS shipped
         FROM shop_events e JOIN shop_stations s ON s.id = e.station_id`,
    );
    for (const row of r.rows) {
      accepted.push([
        row.name,
        row.machine_id,
        Number(row.seq),
        Number(row.at),
        Number(row.shipped),
        row.id,
      ]);
    }
    await c.end();
  }
  const seen = new Map(); // station/machine -> [[updatedSeq, arrivalMs]]
  for (const [st, m, u, at] of watcher?.rows ?? []) {
    const k = `${st}/${m}`;
    if (!seen.has(k)) seen.set(k, []);
    seen.get(k).push([u, at]);
  }
  // Each accepted event: the first shop row of its machine carrying its seq or a later one.
  const lat = [];
  const toDb = [];
  const dbToView = [];
  let unmatched = 0;
  const notified = new Map(); // station id -> [[from, to, atMs]]
  for (const [id, from, to, at] of watcher?.notifies ?? []) {
    if (!notified.has(id)) notified.set(id, []);
    notified.get(id).push([from, to, at]);
  }
  const toNotify = [];
  const notifyToView = [];
  for (const [st, m, seq, at, shipped, stationId] of accepted) {
    const obs = seen.get(`${st}/${m}`) ?? [];
    let first = Infinity;
    for (const [u, arr] of obs) if (u >= seq && arr < first) first = arr;
    if (first === Infinity) unmatched++;
    else lat.push(Math.max(0, first - at));
    toDb.push(Math.max(0, shipped - at));
    if (first !== Infinity) dbToView.push(Math.max(0, first - shipped));
    const n = (notified.get(stationId) ?? []).find(([f, t]) => f <= seq && seq <= t);
    if (n) {
      toNotify.push(Math.max(0, n[2] - at));
      if (first !== Infinity) notifyToView.push(Math.max(0, first - n[2]));
    }
  }
  for (const a of [lat, toDb, dbToView, toNotify, notifyToView]) a.sort((x, y) => x - y);
  const pctOf = (a, p) => a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] ?? NaN;
  const pct = (p) => pctOf(lat, p);
  const split = {
    toDb: { p50: pctOf(toDb, 50), p95: pctOf(toDb, 95) },
    dbToView: { p50: pctOf(dbToView, 50), p95: pctOf(dbToView, 95) },
    toNotify: { p50: pctOf(toNotify, 50), p95: pctOf(toNotify, 95) },
    notifyToView: { p50: pctOf(notifyToView, 50), p95: pctOf(notifyToView, 95) },
  };
  const done = results.reduce((n, r) => n + (r.summary?.results.done ?? 0), 0);
  const reports = results.reduce((n, r) => n + (r.summary?.reportsSent ?? 0), 0);
  return {
    wall,
    cpu,
    pgCpu,
    shopCpu,
    done,
    reports,
    split,
    lat: { n: lat.length, unmatched, p50: pct(50), p95: pct(95), max: lat.at(-1) ?? NaN },
  };
}

const lines = [
  `shop view benchmark: ${STATIONS} stations x ${MACHINES} simulated machines, speed ${SPEED}, loopback, ${os.cpus().length} CPUs`,
];
let base = null;
if (BASELINE) {
  base = await round(false, null, null);
  lines.push(
    `  alone (no --database): wall ${base.wall.toFixed(1)} s, ${base.done} done, ${base.reports} reports; station CPU ${base.cpu.map((c) => c.toFixed(1)).join(' / ')} s`,
  );
}
const pg = await startPostgres();
const shopPort = await freePort();
const shopProc = spawn(
  process.execPath,
  [
    bin,
    'shop',
    'serve',
    '--database',
    pg.url,
    '--ui-port',
    String(shopPort),
    '--ui-token',
    TOKEN,
    '--data-dir',
    path.join(tmp, 'shop-view'),
    '--log-level',
    'warn',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
children.push(shopProc);
const shop = { url: `http://127.0.0.1:${shopPort}`, proc: shopProc };
for (let i = 0; ; i++) {
  try {
    const s = await api(shop.url, '/api/v1/shop/view-status');
    if (s.connected) break;
  } catch {
    // not listening yet
  }
  if (i > 300) throw new Error('the shop view did not start');
  await sleep(100);
}
const r = await round(true, pg, shop);
const sumCpu = (a) => a.reduce((x, y) => x + y, 0);
lines.push(
  `  shipping (--database): wall ${r.wall.toFixed(1)} s, ${r.done} done, ${r.reports} reports; station CPU ${r.cpu.map((c) => c.toFixed(1)).join(' / ')} s`,
  base
    ? `  shipping cost in the stations: ${(sumCpu(r.cpu) - sumCpu(base.cpu)).toFixed(1)} CPU s over ${STATIONS} stations (${((100 * (sumCpu(r.cpu) - sumCpu(base.cpu))) / sumCpu(base.cpu)).toFixed(0)}% more than alone)`
    : '  shipping cost in the stations: (baseline skipped)',
  `  PostgreSQL CPU ${r.pgCpu.toFixed(1)} s (postmaster + backends); shop view process CPU ${r.shopCpu.toFixed(1)} s`,
  `  report accepted on a station -> its row on the shop view's stream: p50 ${r.lat.p50} ms, p95 ${r.lat.p95} ms, max ${r.lat.max} ms over ${r.lat.n} events (${r.lat.unmatched} never seen) (target p95 < 1000 ms)`,
  `    accepted -> its chunk's transaction began (shipped_at): p50 ${Math.round(r.split.toDb.p50)} ms, p95 ${Math.round(r.split.toDb.p95)} ms`,
  `    accepted -> its chunk's NOTIFY at a listener (shipper + PostgreSQL): p50 ${Math.round(r.split.toNotify.p50)} ms, p95 ${Math.round(r.split.toNotify.p95)} ms`,
  `    NOTIFY -> the row on the shop view's stream (the view: read, push, SSE): p50 ${Math.round(r.split.notifyToView.p50)} ms, p95 ${Math.round(r.split.notifyToView.p95)} ms`,
  `  machine load: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (1/5/15 min load average of this host)`,
);
shopProc.kill('SIGTERM');
await new Promise((res) => shopProc.on('exit', res));
pg.proc.kill('SIGINT');
await new Promise((res) => pg.proc.on('exit', res));
process.stdout.write(lines.join('\n') + '\n');
process.exit(r.done === STATIONS * MACHINES && r.lat.unmatched === 0 ? 0 : 1);
