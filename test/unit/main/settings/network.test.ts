import { describe, expect, it } from 'vitest';
import {
  checkNetworkSettings,
  type NetworkInterfaceInfo,
} from '../../../../main/settings/network.js';

const ifaces: NetworkInterfaceInfo[] = [
  {
    name: 'enp3s0',
    mac: '52:54:00:00:00:01',
    internal: false,
    addresses: [
      {
        address: '192.168.50.1',
        netmask: '255.255.255.0',
        family: 'IPv4',
        cidr: '192.168.50.1/24',
      },
    ],
  },
  {
    name: 'lo',
    mac: null,
    internal: true,
    addresses: [
      { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', cidr: '127.0.0.1/8' },
    ],
  },
];

describe('checkNetworkSettings', () => {
  it.each([
    [{ benchInterface: null, benchAddress: null, dhcpMode: 'off' }, null],
    [{ benchInterface: null, benchAddress: null, dhcpMode: 'proxy' }, /Choose the bench network/],
    [
      { benchInterface: 'eth9', benchAddress: '192.168.50.1', dhcpMode: 'proxy' },
      /no network interface named eth9/,
    ],
    [
      { benchInterface: 'enp3s0', benchAddress: '10.0.0.1', dhcpMode: 'proxy' },
      /not an IPv4 address of enp3s0 \(it has 192\.168\.50\.1\)/,
    ],
    [{ benchInterface: 'lo', benchAddress: '127.0.0.1', dhcpMode: 'proxy' }, /loopback/],
    [{ benchInterface: 'enp3s0', benchAddress: '192.168.50.1', dhcpMode: 'proxy' }, null],
    [
      { benchInterface: 'enp3s0', benchAddress: '192.168.50.1', dhcpMode: 'full' },
      /needs an address pool/,
    ],
    [
      {
        benchInterface: 'enp3s0',
        benchAddress: '192.168.50.1',
        dhcpMode: 'full',
        dhcpRange: '10.0.0.10-10.0.0.20',
      },
      /not inside/,
    ],
    [
      {
        benchInterface: 'enp3s0',
        benchAddress: '192.168.50.1',
        dhcpMode: 'full',
        dhcpRange: '192.168.50.1-192.168.50.20',
      },
      /own address/,
    ],
    [
      {
        benchInterface: 'enp3s0',
        benchAddress: '192.168.50.1',
        dhcpMode: 'full',
        dhcpRange: '192.168.50.90-192.168.50.20',
      },
      /starts after it ends/,
    ],
    [
      {
        benchInterface: 'enp3s0',
        benchAddress: '192.168.50.1',
        dhcpMode: 'full',
        dhcpRange: '192.168.50.100-192.168.50.199',
      },
      null,
    ],
  ] as const)('%j -> %s', (s, expected) => {
    const r = checkNetworkSettings(s, ifaces);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(expected);
  });
});
