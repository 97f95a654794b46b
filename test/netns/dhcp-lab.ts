/**
 * Shared by the DHCP netns tests: start the real station (dist/, as `prepstation serve`)
 * inside a namespace, run DHCP clients in others, read the lease table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { commandUnavailable, netnsUnavailable, requireOrSkip } from '../helpers/env.js';
import type { NetnsLab, Spawned } from '../helpers/netns.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin', 'prepstation.js');
const addon = path.join(root, 'native', 'build', 'Release', 'bound_socket.node');

/** Why these tests cannot run here, or null. In CI a reason is a failure (requireOrSkip). */
export function dhcpLabUnavailable(...more: (string | null)[]): string | null {
  return requireOrSkip(
    netnsUnavailable(),
    fs.existsSync(path.join(root, 'dist', 'main', 'net', 'dhcp', 'server.js'))
      ? null
      : 'the station is not built (npm run build)',
    fs.existsSync(addon) ? null : 'native/ is not built (npm rebuild)',
    commandUnavailable('busybox', 'busybox-static'),
    ...more,
  );
}

const made: string[] = [];

/** A temp dir removed by removeTempDirs() (call it in afterAll). */
export function tempDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `ps3-${tag}-`));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The station's boot events so far, read from its UI API inside the namespace. */
export async function bootEvents(
  lab: NetnsLab,
  ns: string,
  station: RunningStation,
): Promise<
  { type: string; protocol: string; mac: string | null; client: string; summary: string }[]
> {
  const token = fs.readFileSync(path.join(station.dataDir, 'ui-token'), 'utf8').trim();
  const r = await lab.exec(ns, [
    'curl',
    '-s',
    '--max-time',
    '2',
    '-H',
    `Authorization: Bearer ${token}`,
    'http://127.0.0.1:7780/api/v1/events?since=0',
  ]);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .flatMap((l) => JSON.parse(l.slice(5)) as { type: string }[])
    .filter((e) => e.type === 'boot') as Awaited<ReturnType<typeof bootEvents>>;
}

export interface RunningStation {
  proc: Spawned;
  dataDir: string;
  /** Lines of the station's stdout log that mention this MAC. */
  linesFor: (mac: string) => string[];
}

/** Starts `prepstation serve` in `ns`; resolves once the DHCP services settled. */
export async function startStation(
  lab: NetnsLab,
  ns: string,
  flags: string[],
  opts: { dataDir?: string; expect?: RegExp } = {},
): Promise<RunningStation> {
  const dataDir = opts.dataDir ?? tempDir('station');
  const proc = lab.spawn(ns, [
    process.execPath,
    cli,
    'serve',
    '--data-dir',
    dataDir,
    '--http-port',
    '8080',
    '--ui-port',
    '7780',
    '--no-tftp',
    '--log-level',
    'debug',
    ...flags,
  ]);
  // The banner is printed once every part started (or failed).
  await proc.waitFor(opts.expect ?? /Bench listener:/, 30_000);
  return {
    proc,
    dataDir,
    linesFor: (mac) =>
      proc
        .stdout()
        .split('\n')
        .filter((l) => l.includes(mac)),
  };
}

export interface Lease {
  mac: string;
  ip: string;
  expires_at: number;
}

export function leasesIn(dataDir: string): Lease[] {
  const db = new Database(path.join(dataDir, 'prepstation.db'), { readonly: true });
  try {
    return db.prepare('SELECT mac, ip, expires_at FROM dhcp_leases ORDER BY ip').all() as Lease[];
  } finally {
    db.close();
  }
}

/** A udhcpc hook that configures the address (renew needs it) and logs each event. */
export function udhcpcScript(dir: string): { script: string; log: string } {
  const log = path.join(dir, 'udhcpc.log');
  const script = path.join(dir, 'udhcpc.sh');
  fs.writeFileSync(
    script,
    `#!/bin/sh
echo "$1 ip=$ip subnet=$subnet siaddr=$siaddr boot_file=$boot_file serverid=$serverid lease=$lease" >> ${log}
case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/$subnet" dev "$interface" ;;
  deconfig) ip addr flush dev "$interface" ;;
esac
exit 0
`,
    { mode: 0o755 },
  );
  return { script, log };
}

export function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export async function until<T>(
  what: string,
  fn: () => T | null | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** dnsmasq-base as a full DHCP server (the office server, or the rogue one), in `ns`. */
export function startDnsmasq(
  lab: NetnsLab,
  ns: string,
  iface: string,
  range: string,
  dir: string,
  extra: string[] = [],
): Spawned {
  return lab.spawn(ns, [
    'dnsmasq',
    '--no-daemon',
    '--conf-file=/dev/null',
    '--port=0',
    `--interface=${iface}`,
    '--bind-interfaces',
    `--dhcp-range=${range},1h`,
    `--dhcp-leasefile=${path.join(dir, 'dnsmasq.leases')}`,
    `--pid-file=${path.join(dir, 'dnsmasq.pid')}`,
    '--user=root',
    '--group=root',
    '--log-dhcp',
    '--log-facility=-',
    ...extra,
  ]);
}
