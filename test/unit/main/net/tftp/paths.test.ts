import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkName, resolveUnder } from '../../../../../main/net/tftp/paths.js';

describe('checkName', () => {
  it.each([
    ['undionly.kpxe', 'undionly.kpxe'],
    ['efi/ipxe.efi', 'efi/ipxe.efi'],
    ['./efi//ipxe.efi', 'efi/ipxe.efi'],
    ['a..b', 'a..b'],
  ])('accepts %j as %j', (name, relative) => {
    expect(checkName(name)).toEqual({ ok: true, relative });
  });

  it.each([
    ['', 'empty'],
    ['../etc/passwd', '..'],
    ['efi/../../x', '..'],
    ['..', '..'],
    ['/etc/passwd', 'absolute'],
    ['boot\\x86\\wdsnbp.com', 'backslash'],
    ['..\\..\\windows', 'backslash'],
    ['C:/boot.ini', 'drive letter'],
    ['a\0b', 'control'],
    ['a\nb', 'control'],
    ['x'.repeat(256), 'longer than 255'],
    ['.', 'no file'],
    ['./', 'no file'],
  ])('refuses %j (%s)', (name, why) => {
    const r = checkName(name);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(why);
  });
});

describe('resolveUnder', () => {
  let dir: string;
  let root: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-paths-'));
    root = path.join(dir, 'root');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'sub', 'file.bin'), 'x');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'out-link'));
    fs.symlinkSync('sub/file.bin', path.join(root, 'in-link'));
    fs.symlinkSync(dir, path.join(root, 'out-dir'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('resolves a file inside the root, and a symlink that stays inside', async () => {
    expect(await resolveUnder(root, 'sub/file.bin')).toMatchObject({ ok: true, size: 1 });
    expect(await resolveUnder(root, 'in-link')).toMatchObject({ ok: true });
  });

  it('refuses a symlink that points out of the root', async () => {
    expect(await resolveUnder(root, 'out-link')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('outside'),
    });
    expect(await resolveUnder(root, 'out-dir/secret.txt')).toMatchObject({ ok: false });
  });

  it('reports a missing file or a folder as not found', async () => {
    expect(await resolveUnder(root, 'nope')).toMatchObject({ ok: false, notFound: true });
    expect(await resolveUnder(root, 'sub')).toMatchObject({ ok: false, notFound: true });
  });
});
