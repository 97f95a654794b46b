/**
 * Full mode against real DHCP clients, inside namespaces only: busybox udhcpc and ISC
 * dhclient get leases, renew and release; a reservation; PXE-style udhcpc gets the boot
 * file by arch and iPXE the HTTP URL; leases survive a station restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/db/open.js';
import { commandUnavailable } from '../helpers/env.js';
import { NetnsLab } from '../helpers/netns.js';
import {
  dhcpLabUnavailable,
  removeTempDirs,
  leasesIn,
  readLines,
  startStation,
  tempDir,
  udhcpcScript,
  until,
  type RunningStation,
} from './dhcp-lab.js';

const skip = dhcpLabUnavailable(commandUnavailable('dhclient', 'isc-dhcp-client'));
const SERVER = '10.33.10.1';
const MAC = {
  plain: '52:54:00:33:10:01',
  reserved: '52:54:00:33:10:02',
  renew: '52:54:00:33:10:03',
  dhclient: '52:54:00:33:10:04',
  bios: '52:54:00:33:10:05',
  ipxe: '52:54:00:33:10:06',
};

describe.skipIf(skip)('full DHCP in namespaces (udhcpc, dhclient)', () => {
  let lab: NetnsLab;
  let srv: string;
  const clients: Record<string, string> = {};
  let station: RunningStation;
  let dir: string;
  let dataDir: string;
  const flags = [
    '--dhcp-mode',
    'full',
    '--bench-address',
    SERVER,
    '--bench-interface',
    'bench0',
    '--dhcp-range',
    '10.33.10.100-10.33.10.120',
  ];

  beforeAll(async () => {
    lab = new NetnsLab('ps3');
    dir = tempDir('full');
    dataDir = path.join(dir, 'data');
    const seg = lab.segment('full');
    srv = lab.namespace('fsrv');
    lab.attach(seg, srv, 'bench0', { address: `${SERVER}/24` });
    for (const [name, mac] of Object.entries(MAC)) {
      clients[name] = lab.namespace(`f${name.slice(0, 6)}`);
      lab.attach(seg, clients[name]!, 'eth0', { mac });
    }
    // A reservation, written the way the station stores them.
    const db = openDatabase(path.join(dataDir, 'prepstation.db'));
    db.prepare(
      'INSERT INTO dhcp_reservations (mac, ip, hostname, created_at) VALUES (?, ?, ?, ?)',
    ).run(MAC.reserved, '10.33.10.50', 'reserved-pc', Date.now());
    db.close();
    station = await startStation(lab, srv, flags, {
      dataDir,
      expect: /DHCP server \(full\) running/,
    });
  }, 60_000);

  afterAll(async () => {
    await lab?.cleanup();
    removeTempDirs();
  });

  const udhcpc = async (name: string, extra: string[] = []) => {
    const d = tempDir(`u-${name}`);
    const { script, log } = udhcpcScript(d);
    const r = await lab.exec(
      clients[name]!,
      [
        'busybox',
        'udhcpc',
        '-i',
        'eth0',
        '-f',
        '-q',
        '-n',
        '-t',
        '5',
        '-T',
        '2',
        '-s',
        script,
        ...extra,
      ],
      { timeoutMs: 30_000 },
    );
    return { code: r.code, lines: readLines(log), stderr: r.stderr };
  };

  it('busybox udhcpc gets a lease from the pool, with the bench mask and server id', async () => {
    const r = await udhcpc('plain');
    expect(r.code).toBe(0);
    const bound = r.lines.find((l) => l.startsWith('bound'));
    expect(bound).toMatch(/ip=10\.33\.10\.1(0\d|1\d|20) subnet=255\.255\.255\.0/);
    expect(bound).toContain(`serverid=${SERVER}`);
    expect(bound).toContain('boot_file= '); // not a PXE client: no boot file
    // Leases are written in batches (about every 20 ms): poll the database.
    await until('the lease in SQLite', () => leasesIn(dataDir).find((l) => l.mac === MAC.plain));
  });

  it('a reserved MAC gets its reserved address', async () => {
    const r = await udhcpc('reserved');
    expect(r.lines.find((l) => l.startsWith('bound'))).toContain('ip=10.33.10.50 ');
  });

  it('a PXE BIOS client gets undionly.kpxe from the bench server; an iPXE one the HTTP script', async () => {
    const bios = await udhcpc('bios', [
      '-V',
      'PXEClient:Arch:00000:UNDI:002001',
      '-x',
      '0x5d:0000',
    ]);
    const b = bios.lines.find((l) => l.startsWith('bound'))!;
    expect(b).toContain(`siaddr=${SERVER}`);
    expect(b).toContain('boot_file=undionly.kpxe');
    const ipxe = await udhcpc('ipxe', [
      '-V',
      'PXEClient:Arch:00000:UNDI:002001',
      '-x',
      '0x4d:69505845',
    ]);
    expect(ipxe.lines.find((l) => l.startsWith('bound'))).toContain(
      `boot_file=http://${SERVER}:8080/boot/ipxe`,
    );
    // Each request became a boot event for the machines registry; the log says what was offered.
    expect(station.linesFor(MAC.bios).some((l) => l.includes('OFFER'))).toBe(true);
  });

  it('udhcpc renews (SIGUSR1) and releases (SIGUSR2)', async () => {
    const d = tempDir('u-renew');
    const { script, log } = udhcpcScript(d);
    const proc = lab.spawn(clients.renew!, [
      'busybox',
      'udhcpc',
      '-i',
      'eth0',
      '-f',
      '-t',
      '5',
      '-T',
      '2',
      '-s',
      script,
    ]);
    await until('bound', () => readLines(log).find((l) => l.startsWith('bound')));
    const first = await until('the lease in SQLite', () =>
      leasesIn(dataDir).find((l) => l.mac === MAC.renew),
    );
    await new Promise((r) => setTimeout(r, 1100)); // expiry is in ms: let the clock move
    process.kill(proc.child.pid!, 'SIGUSR1');
    await until('renew', () => readLines(log).find((l) => l.startsWith('renew')));
    const renewed = await until('the renewed lease in SQLite', () =>
      leasesIn(dataDir).find((l) => l.mac === MAC.renew && l.expires_at > first.expires_at),
    );
    expect(renewed.ip).toBe(first.ip);
    expect(renewed.expires_at).toBeGreaterThan(first.expires_at);
    process.kill(proc.child.pid!, 'SIGUSR2');
    await until('lease released', () => !leasesIn(dataDir).some((l) => l.mac === MAC.renew));
    await lab.kill(proc);
  });

  it('ISC dhclient gets a lease and releases it (-r)', async () => {
    const d = tempDir('dhclient');
    const script = path.join(d, 'hook.sh');
    // dhclient's own hook would rewrite /etc/resolv.conf, shared with the root namespace;
    // this one only sets the address, so the release goes unicast as on a real client.
    fs.writeFileSync(
      script,
      `#!/bin/sh
echo "$reason $new_ip_address" >> ${d}/events
case "$reason" in
  BOUND|RENEW|REBOOT) ip addr add "$new_ip_address/24" dev "$interface" ;;
  RELEASE|EXPIRE|STOP) ip addr flush dev "$interface" ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
    const args = [
      '-4',
      '-v',
      '-sf',
      script,
      '-lf',
      path.join(d, 'leases'),
      '-pf',
      path.join(d, 'pid'),
      'eth0',
    ];
    const r = await lab.exec(clients.dhclient!, ['dhclient', '-1', ...args], { timeoutMs: 40_000 });
    expect(r.code).toBe(0);
    const leaseFile = fs.readFileSync(path.join(d, 'leases'), 'utf8');
    const ip = /fixed-address (\S+);/.exec(leaseFile)![1]!;
    expect(ip).toMatch(/^10\.33\.10\./);
    expect(leaseFile).toContain(`option dhcp-server-identifier ${SERVER};`);
    const stored = await until('the lease in SQLite', () =>
      leasesIn(dataDir).find((l) => l.mac === MAC.dhclient),
    );
    expect(stored.ip).toBe(ip);
    const rel = await lab.exec(clients.dhclient!, ['dhclient', '-r', ...args], {
      timeoutMs: 20_000,
    });
    expect(rel.stderr).toContain('DHCPRELEASE');
    await until(
      'dhclient lease released',
      () => !leasesIn(dataDir).some((l) => l.mac === MAC.dhclient),
      5000,
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}\n${rel.stderr}\n${station.linesFor(MAC.dhclient).join('\n')}`,
      );
    });
  });

  it('keeps leases across a station restart: the same client gets the same address', async () => {
    const before = leasesIn(dataDir).find((l) => l.mac === MAC.plain)!;
    await lab.kill(station.proc);
    station = await startStation(lab, srv, [...flags, '--dhcp-override'], {
      dataDir,
      expect: /DHCP server \(full\) running/,
    });
    const r = await udhcpc('plain');
    expect(r.lines.filter((l) => l.startsWith('bound')).at(-1)).toContain(`ip=${before.ip} `);
  });
});

if (skip) it.skip(`full DHCP in namespaces: ${skip}`, () => undefined);
