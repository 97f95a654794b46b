import { describe, expect, it } from 'vitest';
import { packageMeta, safeFileName, slugId } from '../../../../main/apps/meta.js';

describe('slugId', () => {
  it.each([
    ['Mozilla Firefox', 'mozilla-firefox'],
    ['  7-Zip (x64)  ', '7-zip-x64'],
    ['Écran Café', 'ecran-cafe'],
    ['---', ''],
  ])('%s -> %s', (name, id) => expect(slugId(name)).toBe(id));
});

describe('safeFileName', () => {
  it.each([
    ['Firefox Setup 128.msi', 'Firefox_Setup_128.msi'],
    ['C:\\Users\\x\\Downloads\\7z2408-x64.exe', '7z2408-x64.exe'],
    ['../../etc/passwd', 'passwd'],
    ['.hidden.sh', 'hidden.sh'],
    ['', ''],
  ])('%s -> %s', (given, name) => expect(safeFileName(given)).toBe(name));
});

describe('packageMeta', () => {
  const ok = { name: 'Mozilla Firefox', version: '128.5.0', fileName: 'Firefox.msi' };
  it('derives the id and the path under apps/', () => {
    expect(packageMeta(ok)).toEqual({
      ok: true,
      value: {
        id: 'mozilla-firefox',
        name: 'Mozilla Firefox',
        version: '128.5.0',
        fileName: 'Firefox.msi',
        path: 'apps/mozilla-firefox/128.5.0/Firefox.msi',
      },
    });
  });
  it('keeps a given id', () => {
    const r = packageMeta({ ...ok, id: 'firefox-esr' });
    expect(r.ok && r.value.path).toBe('apps/firefox-esr/128.5.0/Firefox.msi');
  });
  it.each([
    ['no name', { ...ok, name: ' ' }],
    ['control char in name', { ...ok, name: 'a\u0007b' }],
    ['no version', { ...ok, version: undefined }],
    ['version with a slash', { ...ok, version: '1/2' }],
    ['version ..', { ...ok, version: '..' }],
    ['bad id', { ...ok, id: 'Firefox ESR' }],
    ['no file name', { ...ok, fileName: '/' }],
  ])('refuses %s', (_name, input) => {
    const r = packageMeta(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('invalid_package');
  });
});
