import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppLibrary } from '../../../../../main/apps/library.js';
import { DriverLibrary } from '../../../../../main/drivers/library.js';
import { installItem, type Libraries } from '../../../../../main/shop/library/catalog.js';
import type { LibraryFile } from '../../../../../main/shop/library/types.js';

const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const now = () => new Date('2026-12-03T12:00:00Z');

function libs(): Libraries {
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-lib-cat-'));
  return {
    filesDir,
    apps: null as unknown as AppLibrary,
    drivers: new DriverLibrary(filesDir, now),
    media: null,
  };
}

const inf = Buffer.from('[Version]\nSignature="$Windows NT$"\n');
const file = (rel: string, body: Buffer): LibraryFile => ({
  rel,
  sha256: sha(body),
  size: body.length,
});
/** A fetcher that writes what the shop said, as a verified download would. */
const writes = (bodies: Map<string, Buffer>) => async (f: LibraryFile, dest: string) => {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, bodies.get(f.sha256)!);
};

describe('installItem (a shop item into the local library)', () => {
  it('puts a driver pack in place with its manifests, readable by the driver library', async () => {
    const l = libs();
    const f = file('files/net/e1d.inf', inf);
    const meta = { id: 'dell-x', vendor: 'Dell', model: 'X', winpe: true, dir: 'drivers/dell-x' };
    await installItem(
      l,
      { kind: 'driver', id: 'dell-x', meta, files: [f] },
      writes(new Map([[f.sha256, inf]])),
      now,
    );
    expect(l.drivers!.get('dell-x')?.vendor).toBe('Dell');
    expect(l.drivers!.files('dell-x')).toEqual([
      { rel: 'net/e1d.inf', sha256: f.sha256, size: f.size },
    ]);
  });

  it.each([
    ['an id that leaves the folder', '../escape', 'files/a.inf'],
    ['a file that leaves the folder', 'dell-x', 'files/../../escape.inf'],
    ['an absolute file', 'dell-x', '/etc/passwd'],
    ['a Windows path', 'dell-x', 'files\\..\\x.inf'],
    ['a drive letter', 'dell-x', 'C:/x.inf'],
  ])('refuses %s and writes nothing', async (_name, id, rel) => {
    const l = libs();
    const f = file(rel, inf);
    await expect(
      installItem(
        l,
        { kind: 'driver', id, meta: {}, files: [f] },
        writes(new Map([[f.sha256, inf]])),
        now,
      ),
    ).rejects.toThrow(/unsafe/);
    expect(fs.existsSync(path.join(l.filesDir, 'escape.inf'))).toBe(false);
    expect(l.drivers!.list()).toEqual([]);
    const incoming = path.join(l.filesDir, 'drivers', '.incoming');
    expect(fs.existsSync(incoming) ? fs.readdirSync(incoming) : []).toEqual([]);
  });

  it('leaves nothing behind when a file cannot be fetched', async () => {
    const l = libs();
    const good = file('files/a.inf', inf);
    const missing = file('files/b.sys', Buffer.from('never arrives'));
    await expect(
      installItem(
        l,
        { kind: 'driver', id: 'dell-x', meta: {}, files: [good, missing] },
        async (f, dest) => {
          if (f === missing) throw new Error('refused: its sha256 is wrong');
          await writes(new Map([[good.sha256, inf]]))(f, dest);
        },
        now,
      ),
    ).rejects.toThrow(/sha256/);
    expect(l.drivers!.get('dell-x')).toBeNull();
    expect(fs.readdirSync(path.join(l.filesDir, 'drivers', '.incoming'))).toEqual([]);
  });
});
