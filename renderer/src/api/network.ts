import type { Result } from '../../../main/api/contract';
import { api, postJson } from './client';
import type { NetworkInterface, NetworkSettings } from './types';

export const fetchInterfaces = (): Promise<Result<NetworkInterface[]>> =>
  api<NetworkInterface[]>('/api/v1/network/interfaces');

export const fetchNetworkSettings = (): Promise<Result<NetworkSettings>> =>
  api<NetworkSettings>('/api/v1/settings/network');

/** What the bench cannot do without a gateway, DNS or NTP from full-mode DHCP (saved settings). */
export const fetchDhcpGaps = (): Promise<Result<string[]>> =>
  api<string[]>('/api/v1/settings/dhcp-gaps');

/** Saves config.yaml and restarts the boot services; they report their new state on the stream. */
export const saveNetworkSettings = (s: NetworkSettings): Promise<Result<NetworkSettings>> =>
  postJson<NetworkSettings>('/api/v1/settings/network', s, 'PUT');
