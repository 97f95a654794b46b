/**
 * The station on two segments, the bench set to one: it answers there and never on the
 * other (SO_BINDTODEVICE). A second DHCP server on the bench makes full mode refuse to
 * start, naming it. Fuzzed packets on the bench do not stop the server.
 */
import crypto from 'node:crypto';
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
} from './dhcp-lab.js';

const skip = dhcpLabUnavailable(commandUnavailable('dnsmasq', 'dnsmasq-base'));
const client = path.join(root, 'test/netns/dhcp-pxe-client.mjs');

describe.skipIf(skip)('bench segment only, rogue server, fuzzing (namespaces)', () => {
  let lab: NetnsLab;

  beforeAll(() => {
    lab = new NetnsLab('ps3');
  });

  afterAll(async () => {
    await lab?.cleanup();
    removeTempDirs();
  });

  const udhcpc = async (ns: string, tag: string, extra: string[] = []) => {
    const { script, log } = udhcpcScript(tempDir(tag));
    const r = await lab.exec(
      ns,
      [
        'busybox',
        'udhcpc',
        '-i',
        'eth0',
        '-f',
        '-q',
        '-n',
        '-t',
        '3',
        '-T',
        '1',
        '-s',
        script,
        ...extra,
      ],
      { timeoutMs: 30_000 },
    );
    return { code: r.code, bound: readLines(log).find((l) => l.startsWith('bound')) ?? null };
  };

  it.each(['full', 'proxy'])(
    '%s mode: answers on the bench segment, zero replies on the other one',
    async (mode) => {
      const m = mode === 'full' ? 'f' : 'p';
      const bench = lab.segment(`${m}bench`);
      const office = lab.segment(`${m}office`);
      const srv = lab.namespace(`${m}2srv`);
      lab.attach(bench, srv, 'bench0', { address: '10.33.20.1/24' });
      // The other network has an address too: a plain 0.0.0.0:67 socket would hear it.
      lab.attach(office, srv, 'office0', { address: '10.33.21.1/24' });
      const onBench = lab.namespace(`${m}2bench`);
      const onOffice = lab.namespace(`${m}2office`);
      lab.attach(bench, onBench, 'eth0');
      lab.attach(office, onOffice, 'eth0');
      const flags = [
        '--dhcp-mode',
        mode,
        '--bench-address',
        '10.33.20.1',
        '--bench-interface',
        'bench0',
      ];
      if (mode === 'full')
        flags.push('--dhcp-range', '10.33.20.100-10.33.20.150', '--dhcp-override');
      const station = await startStation(lab, srv, flags, {
        expect: /(DHCP server \(full\)|proxyDHCP on port 67) running/,
      });

      const pxe = async (ns: string, mac: string): Promise<{ replies: unknown[] }> => {
        const r = await lab.exec(
          ns,
          [process.execPath, client, 'eth0', mac, '7', '--count-only', '3000'],
          {
            timeoutMs: 20_000,
          },
        );
        return JSON.parse(r.stdout) as { replies: unknown[] };
      };
      const benchMac = `52:54:00:33:2${m === 'f' ? 0 : 1}:01`;
      const officeMac = `52:54:00:33:2${m === 'f' ? 0 : 1}:02`;
      const [b, o] = await Promise.all([pxe(onBench, benchMac), pxe(onOffice, officeMac)]);
      expect(b.replies.length).toBeGreaterThan(0);
      expect(o.replies).toEqual([]);
      // Not even seen: the request from the other segment never reached the station.
      expect(station.linesFor(benchMac).length).toBeGreaterThan(0);
      expect(station.linesFor(officeMac)).toEqual([]);
      if (mode === 'full') {
        expect((await udhcpc(onBench, 'seg-b')).bound).toMatch(/ip=10\.33\.20\.1\d\d/);
        expect((await udhcpc(onOffice, 'seg-o')).code).not.toBe(0);
      }
      await lab.kill(station.proc);
    },
    60_000,
  );

  it('full mode refuses to start when another DHCP server answers on the bench', async () => {
    const seg = lab.segment('rogue');
    const srv = lab.namespace('rsrv');
    const rogue = lab.namespace('rrogue');
    lab.attach(seg, srv, 'bench0', { address: '10.33.30.1/24' });
    lab.attach(seg, rogue, 'eth0', { address: '10.33.30.2/24' });
    const dnsmasq = startDnsmasq(lab, rogue, 'eth0', '10.33.30.100,10.33.30.150', tempDir('rogue'));
    await dnsmasq.waitFor(/DHCP, IP range/);
    const station = await startStation(
      lab,
      srv,
      [
        '--dhcp-mode',
        'full',
        '--bench-address',
        '10.33.30.1',
        '--bench-interface',
        'bench0',
        '--dhcp-range',
        '10.33.30.200-10.33.30.250',
      ],
      { expect: /Bench listener:/ },
    );
    // The banner lists failed services with their error and fix.
    const line = station.proc
      .stdout()
      .split('\n')
      .find((l) => l.startsWith('DHCP server (full): failed'));
    expect(line).toMatch(
      /another DHCP server answers on the bench network: 10\.33\.30\.2 offered 10\.33\.30\.1\d\d/,
    );
    expect(line).toContain('--dhcp-override');
    await lab.kill(station.proc);
  }, 60_000);

  it('fuzzed packets on the bench do not stop the server', async () => {
    const seg = lab.segment('fuzz');
    const srv = lab.namespace('zsrv');
    const fuzzer = lab.namespace('zfuzz');
    lab.attach(seg, srv, 'bench0', { address: '10.33.50.1/24' });
    lab.attach(seg, fuzzer, 'eth0', { address: '10.33.50.9/24' });
    const station = await startStation(
      lab,
      srv,
      [
        '--dhcp-mode',
        'full',
        '--bench-address',
        '10.33.50.1',
        '--bench-interface',
        'bench0',
        '--dhcp-range',
        '10.33.50.100-10.33.50.150',
        '--dhcp-override',
        '--log-level',
        'info',
      ],
      { expect: /DHCP server \(full\) running/ },
    );
    // 3000 packets to 67 and 4011, broadcast and unicast: random bytes, truncated and
    // bit-flipped real DISCOVERs. Bounded in count; sent from inside the namespace.
    const seed = crypto.randomBytes(4).toString('hex');
    const fuzz = `
      const dgram = require('node:dgram');
      const crypto = require('node:crypto');
      const s = dgram.createSocket('udp4');
      s.bind(0, async () => {
        s.setBroadcast(true);
        const base = Buffer.alloc(300); base[0] = 1; base[1] = 1; base[2] = 6;
        base.writeUInt32BE(0x63825363, 236); Buffer.from([53,1,1,60,9,...Buffer.from('PXEClient'),93,2,0,7,255]).copy(base, 240);
        for (let i = 0; i < 3000; i++) {
          let m;
          if (i % 3 === 0) m = crypto.randomBytes(i % 700);
          else if (i % 3 === 1) m = base.subarray(0, i % 300);
          else { m = Buffer.from(base); for (let k = 0; k < 1 + (i % 12); k++) m[crypto.randomInt(m.length)] = crypto.randomInt(256); }
          const to = i % 4 === 0 ? ['10.33.50.1', 4011] : [i % 2 ? '255.255.255.255' : '10.33.50.1', 67];
          await new Promise((r) => s.send(m, to[1], to[0], r));
        }
        s.close();
        console.log('sent ${seed}');
      });`;
    const r = await lab.exec(fuzzer, [process.execPath, '-e', fuzz], { timeoutMs: 60_000 });
    expect(r.stdout).toContain(`sent ${seed}`);
    expect(station.proc.child.exitCode).toBeNull();
    expect(station.proc.stdout()).not.toContain('request handling failed');
    expect(station.proc.stdout()).toContain('malformed DHCP packet ignored');
    // Still serving: a real client gets a lease after the storm.
    await lab.exec(fuzzer, ['ip', 'addr', 'flush', 'dev', 'eth0']);
    const after = await udhcpc(fuzzer, 'after-fuzz');
    expect(after.bound).toMatch(/ip=10\.33\.50\.1\d\d/);
    await lab.kill(station.proc);
  }, 90_000);
});

if (skip) it.skip(`DHCP segments in namespaces: ${skip}`, () => undefined);
