import type { Result } from '../../../main/api/contract';
import { api, postJson } from './client';
import type { ProfileDocument, ProfileIssue, ProfileListItem, ProfileVersion } from './types';

const p = (id: string) => `/api/v1/profiles/${encodeURIComponent(id)}`;

export const fetchProfiles = (): Promise<Result<ProfileListItem[]>> =>
  api<ProfileListItem[]>('/api/v1/profiles');
export const fetchProfile = (id: string): Promise<Result<ProfileDocument>> =>
  api<ProfileDocument>(p(id));
/**
 * Saves the YAML text. `baseVersion` lets the station refuse a save over someone else's
 * newer edit instead of silently dropping it.
 */
export const saveProfile = (
  id: string,
  yaml: string,
  baseVersion: string | null,
): Promise<Result<ProfileDocument>> =>
  postJson<ProfileDocument>(p(id), { yaml, baseVersion }, 'PUT');
export const validateProfile = (
  id: string,
  yaml: string,
): Promise<Result<{ ok: boolean; errors: ProfileIssue[] }>> =>
  postJson<{ ok: boolean; errors: ProfileIssue[] }>(`${p(id)}/validate`, { yaml });
export const fetchHistory = (id: string): Promise<Result<ProfileVersion[]>> =>
  api<ProfileVersion[]>(`${p(id)}/history`);
export const fetchVersion = (id: string, version: string): Promise<Result<ProfileDocument>> =>
  api<ProfileDocument>(`${p(id)}/history/${encodeURIComponent(version)}`);
export const fetchPreview = (
  id: string,
  format: string,
  machine?: string,
): Promise<Result<{ format: string; text: string }>> =>
  api<{ format: string; text: string }>(
    `${p(id)}/preview?format=${encodeURIComponent(format)}${machine ? `&machine=${encodeURIComponent(machine)}` : ''}`,
  );
export const fetchSchema = (): Promise<Result<Record<string, unknown>>> =>
  api<Record<string, unknown>>('/api/v1/profiles/schema.json');

/** Issues from a refused save, wherever the station put them in the error. */
export function issuesOf(details: unknown): ProfileIssue[] {
  const d = details as { issues?: unknown; errors?: unknown } | unknown[] | null | undefined;
  const list = Array.isArray(d) ? d : (d?.issues ?? d?.errors);
  if (!Array.isArray(list)) return [];
  return list.map((x) => {
    const i = x as Partial<ProfileIssue> & { column?: number };
    return {
      line: typeof i.line === 'number' ? i.line : null,
      col: typeof i.col === 'number' ? i.col : typeof i.column === 'number' ? i.column : null,
      message: String(i.message ?? x),
      ...(typeof i.path === 'string' ? { path: i.path } : {}),
    };
  });
}
