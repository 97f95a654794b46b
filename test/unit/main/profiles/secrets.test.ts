import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileKeyProvider,
  SecretError,
  SecretStore,
  secretNames,
} from '../../../../main/profiles/secrets.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps5-secrets-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const HOSTILE = `pa"ss'w$rd\\ & <x> ü`;

describe('SecretStore', () => {
  it('keeps values encrypted at rest and gives them back with the key', () => {
    const store = new SecretStore(
      path.join(dir, 'secrets.json'),
      new FileKeyProvider(path.join(dir, 'secrets.key')),
    );
    store.set('admin-password', HOSTILE);
    const onDisk = fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('pa"ss');
    expect(onDisk).not.toContain(Buffer.from(HOSTILE).toString('base64'));
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    // A new store (a station restart) reads it back with the same key file.
    const again = new SecretStore(
      path.join(dir, 'secrets.json'),
      new FileKeyProvider(path.join(dir, 'secrets.key')),
    );
    expect(again.reveal('admin-password')).toBe(HOSTILE);
    expect(again.list()).toEqual([{ name: 'admin-password', updatedAt: expect.any(String) }]);
  });

  it('refuses to decrypt with another key or under another name', () => {
    const file = path.join(dir, 'secrets.json');
    new SecretStore(file, new FileKeyProvider(path.join(dir, 'a.key'))).set('wifi', 'x');
    expect(() =>
      new SecretStore(file, new FileKeyProvider(path.join(dir, 'b.key'))).reveal('wifi'),
    ).toThrow(SecretError);
    // Moving a sealed value to another name must not decrypt (the name is authenticated).
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.secrets['other'] = raw.secrets['wifi'];
    fs.writeFileSync(file, JSON.stringify(raw));
    expect(() =>
      new SecretStore(file, new FileKeyProvider(path.join(dir, 'a.key'))).reveal('other'),
    ).toThrow(/cannot be decrypted/);
  });

  it('rejects bad names and deletes', () => {
    const store = new SecretStore(
      path.join(dir, 's.json'),
      new FileKeyProvider(path.join(dir, 'k')),
    );
    expect(() => store.set('Bad Name', 'x')).toThrow(SecretError);
    store.set('a', 'x');
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    expect(store.reveal('a')).toBeUndefined();
  });

  it('finds every secret a profile references', () => {
    const names = secretNames({
      admin: { password: { secret: 'a' } },
      config: [{ passphrase: { secret: 'b' } }],
    });
    expect([...names].sort()).toEqual(['a', 'b']);
  });
});
