/**
 * DHCP's checks before start, and the words it fails with: one cause, one error, one fix a
 * technician can act on (and no two causes sharing a fix that suits only one of them).
 */
import { describe, expect, it } from 'vitest';
import {
  checkNoOtherServer,
  checkPool,
  explainSocketError,
  noBenchNetwork,
} from '../../../../../main/net/dhcp/preflight.js';
import type { ProbeOptions } from '../../../../../main/net/dhcp/probe.js';
import type { SocketSpec } from '../../../../../main/net/dhcp/socket.js';

const net = { address: '10.33.0.1', iface: 'ps3b0', netmask: '255.255.255.0' };

function errno(code: string, message: string): NodeJS.ErrnoException {
  const e = new Error(message) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

describe('noBenchNetwork', () => {
  it.each([
    ['10.33.0.1', undefined, '10.33.0.1 is not a network of this station'],
    [undefined, 'ps3b0', 'ps3b0 is not a network of this station'],
    [undefined, undefined, 'no bench network chosen: DHCP must know which network to answer on'],
  ])('address %s, interface %s', (address, iface, error) => {
    const r = noBenchNetwork(address, iface);
    expect(r.error).toBe(error);
    expect(r.fix).toMatch(/Services.*--bench-address/);
  });
});

describe('checkPool', () => {
  it('accepts a range inside the bench network', () => {
    expect(checkPool('10.33.0.100-10.33.0.199', net)).toEqual({
      pool: expect.objectContaining({}),
    });
  });
  it.each([
    [undefined, /needs an address pool/, /Set --dhcp-range FIRST-LAST/],
    ['10.33.0.199-10.33.0.100', /last address is before the first/, /FIRST-LAST, lowest first/],
    [
      '10.99.0.1-10.99.0.9',
      /not inside the bench network 10.33.0.1\/255.255.255.0/,
      /fix --bench-address/,
    ],
    [
      '10.33.0.100-10.33.1.9',
      /not inside the bench network/,
      /Choose a range in the bench network/,
    ],
  ])('refuses %s', (range, error, fix) => {
    const r = checkPool(range, net);
    expect('pool' in r).toBe(false);
    if ('pool' in r) return;
    expect(r.error).toMatch(error);
    expect(r.fix).toMatch(fix);
  });
});

describe('checkNoOtherServer', () => {
  const opts = (): ProbeOptions => ({
    open: async () => {
      throw new Error('the probe is faked here');
    },
    iface: 'ps3b0',
    serverPort: 67,
    clientPort: 68,
  });

  it('passes when nobody offers', async () => {
    expect(await checkNoOtherServer(async () => null, opts(), '0.0.0.0')).toBeNull();
  });

  it('names the other server and offers proxy mode', async () => {
    const r = await checkNoOtherServer(
      async () => ({ server: '10.33.0.2', from: '10.33.0.2', offered: '10.33.0.150' }),
      opts(),
      '0.0.0.0',
    );
    expect(r).toEqual({
      error: 'another DHCP server answers on the bench network: 10.33.0.2 offered 10.33.0.150',
      fix: 'Use --dhcp-mode proxy beside 10.33.0.2, or switch that server off. If you are sure, start with --dhcp-override.',
    });
  });

  it.each([
    ['EADDRINUSE', 'bind: Address already in use', /holds port 68.*--dhcp-mode proxy/],
    [
      'EPERM',
      'SO_BINDTODEVICE: Operation not permitted',
      /CAP_NET_RAW.*setcap cap_net_bind_service,cap_net_raw=\+ep/,
    ],
    ['ENOADDON', 'not built', /npm rebuild/],
    ['ENODEV', 'SO_BINDTODEVICE: No such device', /--bench-interface/],
    ['EIO', 'something odd', /station log/],
  ])('a probe that cannot open port 68 (%s) says why, with its own fix', async (code, msg, fix) => {
    const r = await checkNoOtherServer(
      async () => {
        throw errno(code, msg);
      },
      opts(),
      '0.0.0.0',
    );
    expect(r?.error).toBe(
      `could not check the bench for another DHCP server (udp 0.0.0.0:68: ${code})`,
    );
    expect(r?.fix).toMatch(fix);
  });

  it('only blames a DHCP client on port 68 when port 68 is taken', async () => {
    const r = await checkNoOtherServer(
      async () => {
        throw errno('EPERM', 'SO_BINDTODEVICE: Operation not permitted');
      },
      opts(),
      '0.0.0.0',
    );
    expect(r?.fix).not.toMatch(/DHCP client/);
  });
});

describe('explainSocketError', () => {
  const high: SocketSpec = { iface: 'ps3b0', address: '0.0.0.0', port: 1067 };
  const low: SocketSpec = { iface: 'ps3b0', address: '0.0.0.0', port: 67 };
  const plain: SocketSpec = { address: '10.33.0.1', port: 4011 };

  const cases: [string, NodeJS.ErrnoException, SocketSpec, RegExp, RegExp][] = [
    ['addon missing', errno('ENOADDON', 'x'), low, /native part .* not built/, /npm rebuild/],
    [
      'interface gone',
      errno('ENODEV', 'x'),
      low,
      /interface ps3b0 does not exist/,
      /--bench-interface/,
    ],
    [
      'device binding refused, high port',
      errno('EPERM', 'SO_BINDTODEVICE: Operation not permitted'),
      high,
      /no permission to bind udp 0.0.0.0:1067 to interface ps3b0/,
      /setcap cap_net_raw=\+ep/,
    ],
    [
      'device binding refused, port 67',
      errno('EPERM', 'SO_BINDTODEVICE: Operation not permitted'),
      low,
      /to interface ps3b0/,
      /setcap cap_net_bind_service,cap_net_raw=\+ep/,
    ],
    [
      'privileged port',
      errno('EACCES', 'bind: Permission denied'),
      low,
      /no permission to open udp 0.0.0.0:67/,
      /Port 67 is privileged/,
    ],
    [
      'high port refused without a device binding',
      errno('EACCES', 'bind EACCES 10.33.0.1:4011'),
      plain,
      /no permission to open udp 10.33.0.1:4011/,
      /firewall/,
    ],
    [
      'port taken',
      errno('EADDRINUSE', 'bind: Address already in use'),
      low,
      /already in use/,
      /--dhcp-port/,
    ],
    [
      'address gone',
      errno('EADDRNOTAVAIL', 'x'),
      plain,
      /10.33.0.1 is not an address/,
      /Choose the bench network again/,
    ],
  ];

  it.each(cases)('%s', (_name, err, spec, error, fix) => {
    const r = explainSocketError(err, spec, '--dhcp-port');
    expect(r.error).toMatch(error);
    expect(r.fix).toMatch(fix);
  });

  it('gives each cause its own fix', () => {
    const fixes = cases.map(([, err, spec]) => explainSocketError(err, spec, '--dhcp-port').fix);
    expect(new Set(fixes).size).toBe(fixes.length);
  });
});
