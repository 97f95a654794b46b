import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../main/db/open.js';
import {
  defaultShop,
  logoBytes,
  readShop,
  shopSettingsBody,
  writeShop,
} from '../../../../main/reports/settings.js';

const png1x1 =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('shop settings', () => {
  it.each([
    ['a PNG data URL', png1x1, true],
    ['a JPEG data URL', 'data:image/jpeg;base64,/9j/4AAQSkZJRg==', true],
    ['an SVG', 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=', false],
    ['a PNG label on other bytes', 'data:image/png;base64,aGVsbG8=', false],
    ['a URL', 'https://example.com/logo.png', false],
  ])('logo: %s', (_name, url, ok) => {
    expect(logoBytes(url) !== null).toBe(ok);
    expect(shopSettingsBody.safeParse({ logo: url }).success).toBe(ok);
  });

  it('rejects unknown fields, bad paper and bad time zones', () => {
    expect(shopSettingsBody.safeParse({ colour: 'red' }).success).toBe(false);
    expect(shopSettingsBody.safeParse({ paper: 'a3' }).success).toBe(false);
    expect(shopSettingsBody.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(shopSettingsBody.safeParse({ timeZone: 'Europe/Berlin' }).success).toBe(true);
  });

  it('stores a change in the settings table; fields left out stay, null clears', () => {
    const db = openDatabase(':memory:');
    expect(readShop(db)).toEqual(defaultShop);
    const now = new Date();
    writeShop(
      db,
      shopSettingsBody.parse({
        name: ' Bench & Byte ',
        technician: 'Jörg',
        logo: png1x1,
        paper: 'letter',
      }),
      now,
    );
    expect(readShop(db)).toEqual({
      ...defaultShop,
      name: 'Bench & Byte',
      technician: 'Jörg',
      logo: png1x1,
      paper: 'letter',
    });
    writeShop(db, shopSettingsBody.parse({ technician: null }), now);
    expect(readShop(db)).toMatchObject({ name: 'Bench & Byte', technician: null, paper: 'letter' });
    db.close();
  });
});
