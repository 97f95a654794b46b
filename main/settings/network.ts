import os from 'node:os';
import {
  dhcpModes as apiDhcpModes,
  type NetworkInterfaceInfo,
  type NetworkSettings,
} from '../api/network.js';
import { dhcpModes } from '../config/options.js';
import { validIpList } from '../net/dhcp/bench-options.js';

/** The station's network interfaces, for choosing the bench network. */
export function listInterfaces(
  source: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): NetworkInterfaceInfo[] {
  return Object.entries(source)
    .map(([name, addrs]) => ({
      name,
      mac: addrs?.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac ?? null,
      internal: addrs?.every((a) => a.internal) ?? false,
      addresses: (addrs ?? []).map((a) => ({
        address: a.address,
        netmask: a.netmask,
        family: a.family,
        cidr: a.cidr,
      })),
    }))
    .sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name));
}

// The API's shapes live in api/network.ts (the renderer reads their types from there).
export {
  networkInterfaceSchema,
  networkSettingsSchema,
  type NetworkInterfaceInfo,
  type NetworkSettings,
} from '../api/network.js';

// The API's list of DHCP modes is the config's: a compile error here if they part.
const sameModes: readonly (typeof dhcpModes)[number][] = apiDhcpModes;
const sameModesBack: readonly (typeof apiDhcpModes)[number][] = dhcpModes;
void sameModes;
void sameModesBack;

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/**
 * Checks a choice against this station's interfaces. Returns a sentence a technician can
 * act on, or null when it is consistent.
 */
export function checkNetworkSettings(
  s: NetworkSettings,
  interfaces: NetworkInterfaceInfo[],
): string | null {
  if (s.dhcpMode === 'off') return null;
  if (!s.benchInterface || !s.benchAddress) {
    return 'Choose the bench network (interface and address) before turning DHCP on.';
  }
  const iface = interfaces.find((i) => i.name === s.benchInterface);
  if (!iface) return `There is no network interface named ${s.benchInterface} on this station.`;
  const addr = iface.addresses.find((a) => a.family === 'IPv4' && a.address === s.benchAddress);
  if (!addr) {
    return `${s.benchAddress} is not an IPv4 address of ${s.benchInterface} (it has ${
      iface.addresses
        .filter((a) => a.family === 'IPv4')
        .map((a) => a.address)
        .join(', ') || 'no IPv4 address'
    }).`;
  }
  if (iface.internal) return 'The loopback interface cannot be the bench network.';
  if (s.dhcpMode === 'full') {
    if (!s.dhcpRange)
      return 'Full DHCP needs an address pool, for example 192.168.50.100-192.168.50.199.';
    const [a, b] = s.dhcpRange.split('-') as [string, string];
    const mask = toInt(addr.netmask);
    const net = toInt(addr.address) & mask;
    if ((toInt(a) & mask) !== net || (toInt(b) & mask) !== net) {
      return `The pool ${s.dhcpRange} is not inside the bench network ${addr.cidr ?? addr.address}.`;
    }
    if (toInt(a) > toInt(b)) return `The pool ${s.dhcpRange} starts after it ends.`;
    for (const [flag, value] of [
      ['DNS servers', s.dhcpDns],
      ['NTP servers', s.dhcpNtp],
    ] as const) {
      const problem = value ? validIpList(value) : null;
      if (problem) return `The ${flag} are not valid: ${problem}.`;
    }
    if (s.dhcpRouter && (toInt(s.dhcpRouter) & mask) !== net) {
      return `The gateway ${s.dhcpRouter} is not inside the bench network ${addr.cidr ?? addr.address}: machines could not reach it.`;
    }
    const self = toInt(addr.address);
    if (self >= toInt(a) && self <= toInt(b)) {
      return `The pool ${s.dhcpRange} contains the station's own address ${addr.address}.`;
    }
  }
  return null;
}
