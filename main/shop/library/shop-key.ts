import fs from 'node:fs';
import path from 'node:path';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * The shop key: one 32-byte AES-256 key, the same file on every station of the shop
 * (`<data-dir>/shop.key`, base64, mode 0600, like a station's own secrets.key). It seals
 * the secrets kept in PostgreSQL and, through a derived key, signs the requests stations
 * make to each other for library files. It is never sent anywhere: PostgreSQL holds only
 * its check value, so a station given the wrong file is told so at start.
 */
export const SHOP_KEY_FILE = 'shop.key';

export class ShopKeyError extends Error {
  constructor(
    readonly code: 'missing' | 'mismatch' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'ShopKeyError';
  }
}

export function readKeyFile(file: string): Buffer | null {
  if (!fs.existsSync(file)) return null;
  const raw = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (raw.length !== 32) {
    throw new ShopKeyError(
      'unreadable',
      `${file} is not a PrepStation shop key (expected 32 bytes, base64); copy shop.key from a station of the shop again`,
    );
  }
  return raw;
}

export function createKeyFile(file: string): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  // 'wx': never overwrite a key that exists; that would orphan every shared secret.
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** Reveals nothing about the key; equal on two stations exactly when their keys are. */
export function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('prepstation shop key check v1').digest('hex');
}

/**
 * Decides the key against the shop's check value: the first station of a shop creates the
 * key; every later one must have been given the same file.
 */
export function resolveShopKey(file: string, shopCheck: string | null): Buffer {
  const key = readKeyFile(file);
  if (shopCheck === null) return key ?? createKeyFile(file);
  if (!key) {
    throw new ShopKeyError(
      'missing',
      `This shop already has a key and ${file} is missing: copy shop.key from the data folder of a station of the shop to ${file} (mode 0600), then restart. Until then shared secrets and library files are not synced.`,
    );
  }
  if (keyCheck(key) !== shopCheck) {
    throw new ShopKeyError(
      'mismatch',
      `${file} is not this shop's key (another shop's, or a new one): copy shop.key from a station of the shop over it, then restart. Until then shared secrets and library files are not synced.`,
    );
  }
  return key;
}

export interface SealedValue {
  iv: string;
  tag: string;
  data: string;
}

/** AES-256-GCM with the name as associated data, exactly as a station seals secrets.json. */
export function seal(key: Buffer, name: string, value: string): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name));
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

export function unseal(key: Buffer, name: string, s: SealedValue): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'));
  decipher.setAAD(Buffer.from(name));
  decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}

/** Minutes a fetch grant lives: long enough for a slow start, short if it leaks in a log. */
const GRANT_SECONDS = 600;

function fetchKey(key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'prepstation library fetch v1', 32));
}

/**
 * A grant for one file: `shop1.<station>.<expires>.<hmac>`, the HMAC over the station, the
 * file's sha256 and the expiry. Only a holder of the shop key can make one, and a copy seen
 * on the wire opens that one file for minutes, nothing else.
 */
export function fetchGrant(key: Buffer, stationId: string, sha256: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + GRANT_SECONDS;
  const mac = createHmac('sha256', fetchKey(key))
    .update(`${stationId}.${sha256}.${expires}`)
    .digest('hex');
  return `shop1.${stationId}.${expires}.${mac}`;
}

export type GrantCheck = { ok: true; stationId: string } | { ok: false; why: string };

export function checkGrant(
  key: Buffer,
  grant: string | undefined,
  sha256: string,
  now: Date,
): GrantCheck {
  const m = /^shop1\.([A-Za-z0-9_-]{1,80})\.(\d{1,12})\.([0-9a-f]{64})$/.exec(grant ?? '');
  if (!m) return { ok: false, why: 'no shop grant' };
  const [, stationId, expiresText, mac] = m as unknown as [string, string, string, string];
  const expires = Number(expiresText);
  const nowS = Math.floor(now.getTime() / 1000);
  // A grant from the future beyond the lifetime means clocks apart or a forged expiry.
  if (expires < nowS || expires > nowS + GRANT_SECONDS + 300) {
    return { ok: false, why: 'grant expired or not yet valid (are the stations’ clocks right?)' };
  }
  const want = createHmac('sha256', fetchKey(key))
    .update(`${stationId}.${sha256}.${expires}`)
    .digest();
  const got = Buffer.from(mac, 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) {
    return { ok: false, why: 'grant not signed with this shop key' };
  }
  return { ok: true, stationId };
}
