/**
 * Real PXE firmware in proxy mode, beside dnsmasq as the office DHCP server that knows
 * nothing of PXE (QEMU/TCG, in namespaces only):
 *   ovmf-native  OVMF's own UEFI PXE client (NIC ROM off): takes its address from dnsmasq,
 *                ipxe.efi from our proxy offer (and the 4011 exchange), loads it over our
 *                TFTP; that iPXE asks again as iPXE and gets the HTTP script URL.
 *   seabios-ipxe SeaBIOS + the iPXE NIC ROM: gets the HTTP script URL from the proxy and
 *                fetches /boot/ipxe from the bench listener.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandUnavailable } from '../helpers/env.js';
import { NetnsLab, type Segment } from '../helpers/netns.js';
import {
  bootEvents,
  dhcpLabUnavailable,
  removeTempDirs,
  startDnsmasq,
  startStation,
  tempDir,
  until,
  type RunningStation,
} from './dhcp-lab.js';

const ovmfCode = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const ovmfVars = '/usr/share/OVMF/OVMF_VARS_4M.fd';
const skip = dhcpLabUnavailable(
  commandUnavailable('dnsmasq', 'dnsmasq-base'),
  commandUnavailable('qemu-system-x86_64', 'qemu-system-x86'),
  fs.existsSync(ovmfCode) ? null : `${ovmfCode} missing (Debian package ovmf)`,
  fs.existsSync('/usr/lib/ipxe/ipxe.efi') ? null : '/usr/lib/ipxe/ipxe.efi missing (ipxe)',
  fs.existsSync('/dev/net/tun') ? null : '/dev/net/tun missing',
);
const STATION = '10.33.70.1';
const OFFICE = '10.33.70.2';
const bootMs = 300_000;

describe.skipIf(skip)('real PXE firmware against proxy mode beside dnsmasq', () => {
  let lab: NetnsLab;
  let seg: Segment;
  let dir: string;
  let station: RunningStation;
  let srv: string;

  beforeAll(async () => {
    lab = new NetnsLab('ps3');
    dir = tempDir('fw');
    const files = path.join(dir, 'files');
    fs.mkdirSync(path.join(files, 'boot'), { recursive: true });
    for (const f of ['ipxe.efi', 'undionly.kpxe']) {
      fs.copyFileSync(`/usr/lib/ipxe/${f}`, path.join(files, 'boot', f));
    }
    seg = lab.segment('fw');
    srv = lab.namespace('wsrv');
    const office = lab.namespace('woffice');
    lab.attach(seg, srv, 'bench0', { address: `${STATION}/24` });
    lab.attach(seg, office, 'eth0', { address: `${OFFICE}/24` });
    // dnsmasq as a plain office server; RA so iPXE does not wait ~13 s for IPv6.
    await lab.exec(office, ['ip', 'addr', 'add', 'fd33:70::2/64', 'dev', 'eth0']);
    const dnsmasq = startDnsmasq(lab, office, 'eth0', '10.33.70.100,10.33.70.150', dir, [
      '--no-ping',
      '--enable-ra',
      '--dhcp-range=::,constructor:eth0,ra-only',
    ]);
    await dnsmasq.waitFor(/DHCP, IP range/);
    station = await startStation(
      lab,
      srv,
      [
        '--dhcp-mode',
        'proxy',
        '--bench-address',
        STATION,
        '--bench-interface',
        'bench0',
        '--files',
        files,
        '--tftp',
        '--tftp-port',
        '69',
      ],
      { expect: /proxyDHCP on port 67 running/ },
    );
  }, 120_000);

  afterAll(async () => {
    if (process.env.PS3_KEEP && station)
      fs.writeFileSync(process.env.PS3_KEEP, station.proc.output());
    await lab?.cleanup();
    removeTempDirs();
  });

  /** iPXE fetched /boot/ipxe from the bench listener (a boot event with protocol http). */
  async function waitForHttpBoot(mac: string): Promise<void> {
    const deadline = Date.now() + bootMs;
    while (Date.now() < deadline) {
      const events = await bootEvents(lab, srv, station);
      // The first hop has no ?mac=; the station ties it to the MAC by the client address.
      if (events.some((e) => e.protocol === 'http' && e.mac === mac)) return;
      await new Promise((r) => setTimeout(r, 3000));
    }
    const serial = fs.readdirSync(dir).filter((f) => f.endsWith('.serial.log'));
    const tails = serial.map(
      (f) => `${f}:\n${fs.readFileSync(path.join(dir, f), 'latin1').slice(-1500)}`,
    );
    throw new Error(
      `iPXE never fetched /boot/ipxe\n${station.linesFor(mac).join('\n')}\n${tails.join('\n')}`,
    );
  }

  const qemu = (tap: string, mac: string, extra: string[]) =>
    lab.spawn(seg.ns, [
      'qemu-system-x86_64',
      '-accel',
      'tcg',
      '-m',
      '256',
      '-smp',
      '1',
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      `file:${path.join(dir, `${tap}.serial.log`)}`,
      '-netdev',
      `tap,id=n0,ifname=${lab.tap(seg, tap)},script=no,downscript=no`,
      ...extra.map((a) => a.replace('MAC', mac)),
    ]);

  it(
    "OVMF's PXE: office address, our ipxe.efi over TFTP, then iPXE gets the HTTP script",
    async () => {
      const mac = '52:54:00:33:70:03';
      const vars = path.join(dir, 'vars.fd');
      fs.copyFileSync(ovmfVars, vars);
      const vm = qemu('tap0', mac, [
        '-machine',
        'q35',
        '-drive',
        `if=pflash,format=raw,unit=0,readonly=on,file=${ovmfCode}`,
        '-drive',
        `if=pflash,format=raw,unit=1,file=${vars}`,
        '-device',
        'virtio-net-pci,netdev=n0,mac=MAC,bootindex=1,romfile=',
      ]);
      // The iPXE that OVMF loaded from our TFTP asks again, as iPXE: proof of the whole path.
      await until(
        'iPXE (loaded by OVMF) to get the HTTP script URL',
        () =>
          station.linesFor(mac).find((l) => l.includes(`OFFER http://${STATION}:8080/boot/ipxe`)),
        bootMs,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${station.linesFor(mac).join('\n')}`);
      });
      const lines = station.linesFor(mac);
      expect(lines.some((l) => l.includes('OFFER ipxe.efi'))).toBe(true);
      expect(station.proc.stdout()).toMatch(/tftp: ipxe\.efi to 10\.33\.70\.\d+: ok/);
      await waitForHttpBoot(mac);
      // Its address came from dnsmasq, never from us.
      const leases = fs.readFileSync(path.join(dir, 'dnsmasq.leases'), 'utf8');
      expect(leases).toContain(mac);
      await lab.kill(vm);
    },
    bootMs + 30_000,
  );

  it(
    'SeaBIOS + iPXE ROM: the HTTP script URL from the proxy, fetched from the bench listener',
    async () => {
      const mac = '52:54:00:33:70:04';
      const vm = qemu('tap1', mac, [
        '-machine',
        'pc',
        '-device',
        'virtio-net-pci,netdev=n0,mac=MAC,bootindex=1',
      ]);
      await waitForHttpBoot(mac);
      expect(
        station.linesFor(mac).some((l) => l.includes(`OFFER http://${STATION}:8080/boot/ipxe`)),
      ).toBe(true);
      await lab.kill(vm);
    },
    bootMs + 30_000,
  );
});

if (skip) it.skip(`real firmware in proxy mode: ${skip}`, () => undefined);
