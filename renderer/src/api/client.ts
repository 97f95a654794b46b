import type { ApiError, Result } from '../../../main/api/contract';

let technician: string | null = null;

/** The name sent with every request as the author of the action (chosen once per browser). */
export function setTechnician(name: string | null): void {
  technician = name;
}

/**
 * The one way the renderer talks to the station: same-origin fetch with the session cookie.
 * Every call resolves to a Result; nothing rejects, so no screen dies on a network error.
 */
export async function api<T>(path: string, init: RequestInit = {}): Promise<Result<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      credentials: 'same-origin',
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(technician ? { 'x-prepstation-technician': encodeURIComponent(technician) } : {}),
        ...(init.headers ?? {}),
      },
    });
  } catch {
    return {
      ok: false,
      error: {
        code: 'offline',
        message: 'The station does not answer. Is it running? The page retries by itself.',
      },
    };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const err = (body as { error?: ApiError } | undefined)?.error;
    return {
      ok: false,
      error: err ?? { code: `http_${res.status}`, message: `The station answered ${res.status}.` },
    };
  }
  // The UI API's one reply shape: a success is the value itself, a failure { ok: false, error }.
  return { ok: true, value: body as T };
}

export const postJson = <T>(path: string, body: unknown, method = 'POST'): Promise<Result<T>> =>
  api<T>(path, { method, body: JSON.stringify(body) });
