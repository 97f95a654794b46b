/**
 * Who is working at the browser or app that sent a request: the UI sends the name chosen
 * once per browser in this header (URI-encoded), and the station records it as the author
 * of the action (assignments, retries, skips, resets, profile saves) and on reports.
 */
export const TECHNICIAN_HEADER = 'x-prepstation-technician';

export function technicianOf(
  headers: Record<string, string | string[] | undefined>,
): string | null {
  const raw = headers[TECHNICIAN_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return null;
  let name: string;
  try {
    name = decodeURIComponent(value);
  } catch {
    return null;
  }
  // A name, not a payload: no control characters, one line, bounded.
  const clean = name
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return clean || null;
}
