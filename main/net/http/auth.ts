import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TOKEN_COOKIE = 'prepstation_token';

/** The UI token: the fixed one from the options, else one generated once and kept in data-dir. */
export function loadOrCreateUiToken(dataDir: string, fixed?: string): string {
  if (fixed) return fixed;
  const file = path.join(dataDir, 'ui-token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 16) return t;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = crypto.randomBytes(24).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  return token;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** The token of `Authorization: Bearer T`; sliced, not matched, so no input can backtrack. */
export function bearer(header: string | undefined): string | undefined {
  if (!header || header.length > 4096) return undefined;
  const h = header.trim();
  if (h.length < 8 || h.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  const sep = h.charCodeAt(6);
  if (sep !== 32 && sep !== 9) return undefined;
  const token = h.slice(7).trim();
  return token === '' ? undefined : token;
}
