import type { ProfileReadiness, Result, SecretsListing } from '../../../main/api/contract';
import { api, postJson } from './client';

export type { SecretsListing };

const s = (name: string) => `/api/v1/secrets/${encodeURIComponent(name)}`;

export const fetchSecrets = (): Promise<Result<SecretsListing>> =>
  api<SecretsListing>('/api/v1/secrets');
/** Sets or replaces a value; the station never sends it back. */
export const setSecret = (name: string, value: string): Promise<Result<{ name: string }>> =>
  postJson<{ name: string }>(s(name), { value }, 'PUT');
export const deleteSecret = (name: string): Promise<Result<{ name: string }>> =>
  api<{ name: string }>(s(name), { method: 'DELETE' });

export const fetchReadiness = (): Promise<Result<ProfileReadiness[]>> =>
  api<ProfileReadiness[]>('/api/v1/profiles-readiness');
