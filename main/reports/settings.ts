import { z } from 'zod';
import type { Db } from '../db/open.js';
import type { ShopSettings } from './types.js';

/**
 * The shop's name, address, default technician, logo and paper size, printed on every
 * report. Kept as one JSON value in the settings table (migration 0001) under SHOP_KEY.
 */
export const SHOP_KEY = 'reports.shop';

/** A logo bigger than this is not a logo; the PDF would carry it on every report. */
export const LOGO_MAX_BYTES = 512 * 1024;

export const defaultShop: ShopSettings = {
  name: null,
  address: null,
  technician: null,
  logo: null,
  paper: 'a4',
  timeZone: null,
};

/** PNG or JPEG bytes of a data: URL, or null when it is neither (pdfkit embeds only these). */
export function logoBytes(dataUrl: string): Buffer | null {
  const m = /^data:image\/(png|jpeg|jpg);base64,([A-Za-z0-9+/=\s]+)$/.exec(dataUrl);
  if (!m) return null;
  const buf = Buffer.from(m[2]!, 'base64');
  const png = buf
    .subarray(0, 8)
    .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff;
  return png || jpeg ? buf : null;
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim() || null)
    .nullable();

export const shopSettingsBody = z.strictObject({
  name: text(120).optional(),
  address: text(400).optional(),
  technician: text(120).optional(),
  logo: z
    .string()
    .max(
      Math.ceil((LOGO_MAX_BYTES * 4) / 3) + 100,
      `the logo must be under ${LOGO_MAX_BYTES / 1024} KB`,
    )
    .refine((s) => logoBytes(s) !== null, 'the logo must be a PNG or JPEG data: URL')
    .nullable()
    .optional(),
  paper: z.enum(['a4', 'letter']).optional(),
  timeZone: z
    .string()
    .refine(validTimeZone, 'an IANA time zone such as Europe/Berlin')
    .nullable()
    .optional(),
});
export type ShopSettingsBody = z.output<typeof shopSettingsBody>;

export function readShop(db: Db): ShopSettings {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(SHOP_KEY) as
    { value: string } | undefined;
  if (!row) return { ...defaultShop };
  try {
    const parsed = shopSettingsBody.safeParse(JSON.parse(row.value));
    return parsed.success ? mergeShop(defaultShop, parsed.data) : { ...defaultShop };
  } catch {
    return { ...defaultShop };
  }
}

export function mergeShop(base: ShopSettings, change: ShopSettingsBody): ShopSettings {
  const out: ShopSettings = { ...base };
  for (const [k, v] of Object.entries(change) as [keyof ShopSettings, unknown][]) {
    if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Saves a change (fields left out stay as they were) and returns the whole settings. */
export function writeShop(db: Db, change: ShopSettingsBody, now: Date): ShopSettings {
  const next = mergeShop(readShop(db), change);
  db.prepare(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(SHOP_KEY, JSON.stringify(next), now.toISOString());
  return next;
}
