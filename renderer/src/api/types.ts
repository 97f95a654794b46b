/**
 * API shapes the renderer needs that are not (yet) in main/api/contract.ts. They mirror
 * the station's routes; when the contract grows to hold them, import them from there and
 * drop the copy here.
 */

/** GET /api/v1/network/interfaces (main/settings/network.ts NetworkInterfaceInfo). */
export interface NetworkInterface {
  name: string;
  mac: string | null;
  internal: boolean;
  addresses: { address: string; netmask: string; family: 'IPv4' | 'IPv6'; cidr?: string | null }[];
}

export type DhcpMode = 'off' | 'proxy' | 'full';
/** main/boot/dhcp-policy.ts secureBootPolicies. */
export type SecureBootPolicy = 'auto' | 'signed' | 'ipxe';

/** GET|PUT /api/v1/settings/network. */
export interface NetworkSettings {
  benchInterface: string | null;
  benchAddress: string | null;
  dhcpMode: DhcpMode;
  dhcpRange?: string | null;
  dhcpOverride?: boolean;
  secureBoot?: SecureBootPolicy;
  /** Full mode: the gateway, DNS and NTP servers handed to machines (null: none). */
  dhcpRouter?: string | null;
  dhcpDns?: string | null;
  dhcpNtp?: string | null;
}

/** GET /api/v1/profiles/:id: the file text as on disk and its resolved hash. */
export interface ProfileDocument {
  id: string;
  text: string;
  hash: string | null;
  /** The resolved profile (bases merged in), null while the file is invalid. */
  profile: Record<string, unknown> | null;
}
