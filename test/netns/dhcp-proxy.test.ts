/**
 * proxy mode beside a real full DHCP server (dnsmasq, the "office" server), in namespaces:
 * a PXE client gets its address from dnsmasq and its boot file from the station, on 67
 * and again through the 4011 exchange; ordinary clients are left to dnsmasq.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandUnavailable } from '../helpers/env.js';
import { NetnsLab } from '../helpers/netns.js';
import {
  dhcpLabUnavailable,
  removeTempDirs,
  readLines,
  root,
  startDnsmasq,
  startStation,
  tempDir,
  udhcpcScript,
  type RunningStation,
} from './dhcp-lab.js';

const skip = dhcpLabUnavailable(commandUnavailable('dnsmasq', 'dnsmasq-base'));
const STATION = '10.33.40.1';
const OFFICE = '10.33.40.2';

interface Summary {
  from: string;
  type: number;
  serverId: string | null;
  yiaddr: string;
  siaddr: string;
  file: string;
  bootFile: string | null;
  vendorClass: string | null;
  noPxeDhcp: number | null;
  bootItem: string | null;
}

describe.skipIf(skip)('proxyDHCP beside dnsmasq in namespaces', () => {
  let lab: NetnsLab;
  let station: RunningStation;
  let dir: string;
  const ns: Record<string, string> = {};

  beforeAll(async () => {
    lab = new NetnsLab('ps3');
    dir = tempDir('proxy');
    const seg = lab.segment('proxy');
    ns.station = lab.namespace('psrv');
    ns.office = lab.namespace('poffice');
    lab.attach(seg, ns.station, 'bench0', { address: `${STATION}/24` });
    lab.attach(seg, ns.office, 'eth0', { address: `${OFFICE}/24` });
    for (const c of ['uefi', 'bios', 'ipxe', 'laptop']) {
      ns[c] = lab.namespace(`p${c}`);
      lab.attach(seg, ns[c]!, 'eth0', { mac: `52:54:00:33:40:0${Object.keys(ns).length}` });
    }
    const dnsmasq = startDnsmasq(lab, ns.office, 'eth0', '10.33.40.100,10.33.40.150', dir, [
      '--no-ping',
    ]);
    await dnsmasq.waitFor(/DHCP, IP range/);
    station = await startStation(
      lab,
      ns.station,
      ['--dhcp-mode', 'proxy', '--bench-address', STATION, '--bench-interface', 'bench0'],
      { expect: /proxyDHCP on port 67 running/ },
    );
  }, 60_000);

  afterAll(async () => {
    await lab?.cleanup();
    removeTempDirs();
  });

  const pxeClient = async (name: string, arch: number, extra: string[] = []) => {
    const mac = `52:54:00:33:40:a${arch}`;
    const r = await lab.exec(
      ns[name]!,
      [
        process.execPath,
        path.join(root, 'test/netns/dhcp-pxe-client.mjs'),
        'eth0',
        mac,
        String(arch),
        ...extra,
      ],
      { timeoutMs: 30_000 },
    );
    expect(r.stderr).toBe('');
    return {
      mac,
      ...(JSON.parse(r.stdout) as {
        offers: Summary[];
        ack: Summary | null;
        pxeAck: Summary | null;
      }),
    };
  };

  it('a UEFI PXE client: address from dnsmasq, ipxe.efi from the station (67 and 4011)', async () => {
    const r = await pxeClient('uefi', 7);
    const office = r.offers.find((o) => o.serverId === OFFICE)!;
    const proxy = r.offers.find((o) => o.serverId === STATION)!;
    expect(office.yiaddr).toMatch(/^10\.33\.40\.1\d\d$/);
    expect(proxy).toMatchObject({
      yiaddr: '0.0.0.0',
      siaddr: STATION,
      file: 'ipxe.efi',
      bootFile: 'ipxe.efi',
      vendorClass: 'PXEClient',
    });
    expect(r.ack).toMatchObject({ serverId: OFFICE, yiaddr: office.yiaddr });
    // Firmware that ignores proxy offers on 67 asks on 4011 and gets the same answer.
    expect(r.pxeAck).toMatchObject({
      from: STATION,
      type: 5,
      yiaddr: '0.0.0.0',
      file: 'ipxe.efi',
      bootItem: '80000000',
    });
    // The station logged the machine with what it offered, but never an address.
    const lines = station.linesFor(r.mac);
    expect(lines.some((l) => l.includes('OFFER ipxe.efi'))).toBe(true);
  });

  it('a BIOS PXE client gets undionly.kpxe; an iPXE client the HTTP script with 175.176', async () => {
    const bios = await pxeClient('bios', 0);
    expect(bios.offers.find((o) => o.serverId === STATION)?.file).toBe('undionly.kpxe');
    const ipxe = await pxeClient('ipxe', 0, ['--ipxe']);
    const proxy = ipxe.offers.find((o) => o.serverId === STATION)!;
    expect(proxy.bootFile).toBe(`http://${STATION}:8080/boot/ipxe`);
    expect(proxy.noPxeDhcp).toBe(1);
  });

  it('an ordinary client gets its lease from dnsmasq and nothing from the station', async () => {
    const d = tempDir('laptop');
    const { script, log } = udhcpcScript(d);
    const r = await lab.exec(
      ns.laptop!,
      ['busybox', 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '2', '-s', script],
      { timeoutMs: 30_000 },
    );
    expect(r.code).toBe(0);
    expect(readLines(log).find((l) => l.startsWith('bound'))).toContain(`serverid=${OFFICE}`);
    // The station saw the laptop's requests and stayed silent.
    const seen = station.linesFor('52:54:00:33:40:06');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((l) => l.includes('ignored: not a PXE client'))).toBe(true);
  });
});

if (skip) it.skip(`proxyDHCP in namespaces: ${skip}`, () => undefined);
