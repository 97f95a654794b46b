import type { Result } from '../../../main/api/contract';
import { api, postJson } from './client';
import type { NetworkInterface, NetworkSettings } from './types';

export const fetchInterfaces = (): Promise<Result<NetworkInterface[]>> =>
  api<NetworkInterface[]>('/api/v1/network/interfaces');

export const fetchNetworkSettings = (): Promise<Result<NetworkSettings>> =>
  api<NetworkSettings>('/api/v1/settings/network');

/** Saves config.yaml and restarts the boot services; they report their new state on the stream. */
export const saveNetworkSettings = (s: NetworkSettings): Promise<Result<NetworkSettings>> =>
  postJson<NetworkSettings>('/api/v1/settings/network', s, 'PUT');
