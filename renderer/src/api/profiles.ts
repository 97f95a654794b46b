import type {
  AppPackage,
  Preview,
  PreviewMachine,
  ProfileIssue,
  ProfileSaved,
  ProfileSummary,
  ProfileVersion,
  Result,
} from '../../../main/api/contract';
import type { PreviewRequest } from '../../../main/api/profiles';
import { api, postJson } from './client';
import type { ProfileDocument } from './types';

const p = (id: string) => `/api/v1/profiles/${encodeURIComponent(id)}`;

export const fetchProfiles = (): Promise<Result<ProfileSummary[]>> =>
  api<ProfileSummary[]>('/api/v1/profiles');
export const fetchProfile = (id: string): Promise<Result<ProfileDocument>> =>
  api<ProfileDocument>(p(id));
/**
 * Saves the YAML text; an invalid profile is refused with its issues (error.details). With
 * `baseHash` (the textHash the edit started from), a shared profile changed meanwhile by
 * another station is refused with 409 profile_conflict instead of being overwritten.
 */
export const saveProfile = (
  id: string,
  text: string,
  baseHash?: string,
): Promise<Result<ProfileSaved>> =>
  postJson<ProfileSaved>(p(id), { text, ...(baseHash ? { baseHash } : {}) }, 'PUT');
export async function fetchHistory(id: string): Promise<Result<ProfileVersion[]>> {
  const r = await api<ProfileVersion[]>(`${p(id)}/history`);
  // A profile nobody saved through the station yet has no history: an empty list, not an error.
  if (!r.ok && r.error.code === 'not_found') return { ok: true, value: [] };
  return r;
}
/** Unified diff between two kept versions (the station answers plain text). */
export const fetchDiff = (id: string, from: number, to: number): Promise<Result<string>> =>
  api<string>(`${p(id)}/diff?from=${from}&to=${to}`);

export type { Preview, PreviewMachine };

/**
 * What the profile renders to for a machine (a sample one when none is given), secrets
 * and token masked. `text` previews unsaved editor text instead of the saved file.
 */
export const fetchPreview = (id: string, opts: PreviewRequest = {}): Promise<Result<Preview>> =>
  postJson<Preview>(`${p(id)}/preview`, opts);
export const fetchSchema = (): Promise<Result<Record<string, unknown>>> =>
  api<Record<string, unknown>>('/api/v1/profiles-schema');

export const fetchApps = (): Promise<Result<AppPackage[]>> => api<AppPackage[]>('/api/v1/apps');
/** Streams the installer as the request body; name and version ride in the query string. */
export const importApp = (file: File, name: string, version: string): Promise<Result<AppPackage>> =>
  api<AppPackage>(
    `/api/v1/apps?name=${encodeURIComponent(name)}&version=${encodeURIComponent(version)}&fileName=${encodeURIComponent(file.name)}`,
    {
      method: 'POST',
      body: file,
      headers: { 'content-type': 'application/octet-stream' },
    },
  );

/** Issues from a refused save, wherever the station put them in the error. */
export function issuesOf(details: unknown): ProfileIssue[] {
  const d = details as { issues?: unknown } | unknown[] | null | undefined;
  const list = Array.isArray(d) ? d : d?.issues;
  if (!Array.isArray(list)) return [];
  return list.map((x) => {
    const i = x as Partial<ProfileIssue>;
    return {
      file: String(i.file ?? ''),
      line: typeof i.line === 'number' ? i.line : 1,
      col: typeof i.col === 'number' ? i.col : 1,
      message: String(i.message ?? x),
      path: String(i.path ?? ''),
    };
  });
}
