#!/usr/bin/env node
// Benchmark, not a test: N simulated machines (default 500) against `prepstation serve`,
// both real processes from dist/ (run `npm run build:main` first). Measures the station's
// CPU time and memory (RSS sampled every 100 ms, and the kernel's high-water mark) and the
// time from an agent's report to its event on the UI stream (p50, p95).
// Targets (issue 7): p95 < 200 ms, RSS < 250 MB.
//
//   node scripts/bench/simulate.mjs [--machines 500] [--speed 200] [--seed 1]
//
// Node flags for the station process only (profiling), space-separated, e.g.
//   BENCH_STATION_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' node scripts/bench/simulate.mjs
//
// Loopback only; the station runs with DHCP and TFTP off.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/prepstation.js');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const machines = Number(arg('machines', '500'));
const speed = Number(arg('speed', '200'));
const seed = Number(arg('seed', '1'));

if (!fs.existsSync(path.join(root, 'dist/main/simulate/run.js'))) {
  process.stderr.write('dist/ has no simulator: run `npm run build:main` first\n');
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ps7-bench-sim-'));
const dataDir = path.join(tmp, 'data');
fs.mkdirSync(path.join(dataDir, 'profiles'), { recursive: true });
fs.writeFileSync(
  path.join(dataDir, 'profiles', 'bench-office.yaml'),
  `id: bench-office
name: Bench office PCs
customer: { name: Bench customer, code: BENCH }
target: { os: ubuntu, version: '24.04', media: ubuntu, iso: ubuntu/live.iso }
admin: { username: tech, password: { secret: bench-admin } }
apps:
  - { id: office, name: Office suite, source: { package: office }, installer: deb, retries: 2, rebootCodes: [100] }
  - { id: browser, name: Browser, source: { system: firefox-esr }, installer: system, retries: 1 }
  - { id: remote, name: Remote support, source: { package: remote }, installer: sh, retries: 1, rebootCodes: [3010] }
  - { id: vpn, name: VPN client, source: { package: remote }, installer: sh, retries: 1 }
config:
  - { id: motd, type: file, path: /etc/motd, content: "Prepared by PrepStation\\n" }
  - { id: tz, type: script, shell: sh, script: timedatectl set-timezone Europe/Berlin }
checks:
  - { id: office, type: app-installed, app: office }
  - { id: hostname, type: hostname }
`,
);

const token = 'bench-ui-token-0123456789abcdef';
const httpPort = await freePort();
const uiPort = await freePort();
const bench = `http://127.0.0.1:${httpPort}`;
const ui = `http://127.0.0.1:${uiPort}`;
const stationNodeArgs = (process.env.BENCH_STATION_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const station = spawn(
  process.execPath,
  [
    ...stationNodeArgs,
    bin,
    'serve',
    '--data-dir',
    dataDir,
    '--http-port',
    String(httpPort),
    '--ui-port',
    String(uiPort),
    '--ui-token',
    token,
    '--no-tftp',
    '--log-level',
    'warn',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const api = async (p, init = {}) => {
  const r = await fetch(ui + p, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
};
for (let i = 0; ; i++) {
  try {
    await api('/api/v1/health');
    break;
  } catch {
    if (i > 200) throw new Error('the station did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}
await api('/api/v1/secrets/bench-admin', {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ value: 'bench-Pa55word' }),
});
for (const [id, file, size] of [
  ['office', 'office.deb', 5_000_000],
  ['remote', 'remote.sh', 2000],
]) {
  await api(`/api/v1/apps?${new URLSearchParams({ name: id, id, version: '1', fileName: file })}`, {
    method: 'POST',
    // An upload declares its own type; the UI refuses form and text types (issue 13).
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(size, 7),
  });
}

// /proc/<pid>/stat fields 14, 15: user and system CPU in clock ticks (100 per second here).
const cpuTicks = () => {
  const stat = fs.readFileSync(`/proc/${station.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const statusKb = (key) =>
  Number(
    new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(
      fs.readFileSync(`/proc/${station.pid}/status`, 'utf8'),
    )[1],
  );
const rssBefore = statusKb('VmRSS');
const cpu0 = cpuTicks();
let rssPeak = 0;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, statusKb('VmRSS'))), 100);
// A floor for this host: the round trip of the cheapest request (GET /health) during the run.
// On a loaded shared machine it shows how much of any latency is waiting for a CPU.
const floor = [];
let probing = true;
void (async () => {
  while (probing) {
    const t = performance.now();
    await fetch(`${bench}/health`).then((r) => r.arrayBuffer());
    floor.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
})();

const t0 = Date.now();
const sim = spawn(
  process.execPath,
  [
    bin,
    'simulate',
    '--station',
    bench,
    '--machines',
    String(machines),
    '--speed',
    String(speed),
    '--seed',
    String(seed),
    '--assign',
    'bench-office',
    '--ui',
    ui,
    '--ui-token',
    token,
    '--ramp',
    '300',
    '--measure',
    '--json',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
sim.stdout.on('data', (d) => (out += d));
const code = await new Promise((r) => sim.on('exit', r));
const wall = (Date.now() - t0) / 1000;
clearInterval(sampler);
probing = false;
floor.sort((a, b) => a - b);
const pct = (p) =>
  floor[Math.min(floor.length - 1, Math.floor((p / 100) * floor.length))]?.toFixed(0);
const cpu = (cpuTicks() - cpu0) / 100;
const hwm = statusKb('VmHWM');
station.kill('SIGTERM');
await new Promise((r) => station.on('exit', r));
fs.rmSync(tmp, { recursive: true, force: true });

const summary = JSON.parse(out);
const r = summary.results;
const mb = (kb) => (kb / 1024).toFixed(0);
const lines = [
  `prepstation simulate: ${machines} machines at speed ${speed} (seed ${seed}), simulator exit ${code}`,
  `  machines: ${r.done} done, ${r.failed} failed, ${r.error} errors; ${summary.reportsSent} reports, ${summary.stepsRun} step attempts (${summary.failedAttempts} failed and retried), ${summary.reboots} reboots`,
  `  wall ${wall.toFixed(1)} s; station CPU ${cpu.toFixed(1)} s (${((100 * cpu) / wall).toFixed(0)}% of one core), ${(summary.reportsSent / cpu).toFixed(0)} reports per CPU second`,
  `  station RSS: ${mb(rssBefore)} MB idle, peak ${mb(rssPeak)} MB sampled, high-water ${mb(hwm)} MB (target < 250 MB)`,
  `  report -> event stream: p50 ${summary.latency.p50} ms, p95 ${summary.latency.p95} ms, max ${summary.latency.max} ms over ${summary.latency.count} timeline events (target p95 < 200 ms)`,
  `  report -> HTTP answer (agent round trip): p50 ${summary.ackLatency.p50} ms, p95 ${summary.ackLatency.p95} ms, max ${summary.ackLatency.max} ms over ${summary.ackLatency.count} requests`,
  `  GET /health round trip during the run (the host's floor): p50 ${pct(50)} ms, p95 ${pct(95)} ms over ${floor.length} probes`,
  `  machine load: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (1/5/15 min load average of this host)`,
];
process.stdout.write(lines.join('\n') + '\n');
process.exit(r.done === machines ? 0 : 1);
