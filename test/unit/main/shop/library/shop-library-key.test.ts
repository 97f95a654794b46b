import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyProvider, SecretStore } from '../../../../../main/profiles/secrets.js';
import { itemDigest } from '../../../../../main/shop/library/catalog.js';
import {
  ShopKeyError,
  checkGrant,
  createKeyFile,
  fetchGrant,
  keyCheck,
  resolveShopKey,
  seal,
  unseal,
} from '../../../../../main/shop/library/shop-key.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ps-shopkey-'));
const SHA = 'a'.repeat(64);
const now = new Date('2026-12-03T12:00:00Z');

describe('shop key', () => {
  it('is made by the first station and must be given to the others', () => {
    const first = path.join(tmp(), 'shop.key');
    const key = resolveShopKey(first, null);
    expect(key).toHaveLength(32);
    expect((fs.statSync(first).mode & 0o777).toString(8)).toBe('600');
    const check = keyCheck(key);
    expect(resolveShopKey(first, check).equals(key)).toBe(true);

    const missing = path.join(tmp(), 'shop.key');
    expect(() => resolveShopKey(missing, check)).toThrow(ShopKeyError);
    expect(() => resolveShopKey(missing, check)).toThrow(/copy shop\.key .* to .*shop\.key/);
    expect(fs.existsSync(missing)).toBe(false); // never invents a second key for a shop

    const other = path.join(tmp(), 'shop.key');
    createKeyFile(other);
    expect(() => resolveShopKey(other, check)).toThrow(/is not this shop's key/);
  });

  it('seals secrets exactly as a station seals secrets.json', () => {
    const dir = tmp();
    const keyFile = path.join(dir, 'k');
    const key = createKeyFile(keyFile);
    const sealed = seal(key, 'admin-password', 'S3cret!');
    expect(JSON.stringify(sealed)).not.toContain('S3cret');
    // A station whose own key is the same file reads the sealed value with SecretStore.
    const file = path.join(dir, 'secrets.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ version: 1, secrets: { 'admin-password': { ...sealed, updatedAt: 'x' } } }),
    );
    expect(new SecretStore(file, new FileKeyProvider(keyFile)).reveal('admin-password')).toBe(
      'S3cret!',
    );
    expect(unseal(key, 'admin-password', sealed)).toBe('S3cret!');
    // The name is bound: a value moved to another name does not open.
    expect(() => unseal(key, 'wifi-key', sealed)).toThrow();
  });
});

describe('fetch grants', () => {
  const key = Buffer.alloc(32, 7);
  const other = Buffer.alloc(32, 8);
  const grant = fetchGrant(key, 'station-a', SHA, now);

  it.each([
    ['a valid grant', grant, SHA, key, now, true],
    ['another file', grant, 'b'.repeat(64), key, now, false],
    ['another shop key', grant, SHA, other, now, false],
    ['expired (11 minutes later)', grant, SHA, key, new Date(now.getTime() + 11 * 60_000), false],
    [
      'from far in the future (clock 20 min behind)',
      grant,
      SHA,
      key,
      new Date(now.getTime() - 20 * 60_000),
      false,
    ],
    ['no grant', undefined, SHA, key, now, false],
    ['malformed', 'shop1.x.y.z', SHA, key, now, false],
    ['a forged station name', grant.replace('station-a', 'station-b'), SHA, key, now, false],
  ] as const)('%s', (_name, g, sha, k, at, ok) => {
    expect(checkGrant(k, g, sha, at).ok).toBe(ok);
  });
});

describe('library item digest', () => {
  const files = [
    { rel: 'b.sys', sha256: SHA, size: 2 },
    { rel: 'a.inf', sha256: 'c'.repeat(64), size: 1 },
  ];
  it('depends on content and metadata, not on their order', () => {
    const d = itemDigest({ vendor: 'Dell', model: 'X' }, files);
    expect(itemDigest({ model: 'X', vendor: 'Dell' }, [...files].reverse())).toBe(d);
    expect(itemDigest({ vendor: 'Dell', model: 'Y' }, files)).not.toBe(d);
    expect(
      itemDigest({ vendor: 'Dell', model: 'X' }, [{ ...files[0]!, size: 3 }, files[1]!]),
    ).not.toBe(d);
  });
});
