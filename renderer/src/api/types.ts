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

/** GET|PUT /api/v1/settings/network. */
export interface NetworkSettings {
  benchInterface: string | null;
  benchAddress: string | null;
  dhcpMode: DhcpMode;
  dhcpRange?: string | null;
  dhcpOverride?: boolean;
}

/** GET /api/v1/profiles: one entry per profile file (valid or not). */
export interface ProfileListItem {
  id: string;
  name: string | null;
  customer: string | null;
  /** The base profile it extends, or null for a base itself. */
  extends: string | null;
  os?: string | null;
  /** true for base profiles (templates customers extend). */
  base?: boolean;
  /** The file does not parse or validate; `errors` says why. */
  errors?: ProfileIssue[];
  version?: string | null;
  updatedAt?: string | null;
}

/** A validation problem at a place in the YAML text (1-based line and column). */
export interface ProfileIssue {
  line: number | null;
  col: number | null;
  message: string;
  path?: string;
}

/** GET /api/v1/profiles/:id */
export interface ProfileDocument {
  id: string;
  yaml: string;
  version: string | null;
}

export interface ProfileVersion {
  version: string;
  at: string;
  author: string | null;
  message?: string | null;
}
