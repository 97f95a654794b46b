import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriverImportError } from '../../../../main/drivers/library.js';
import { DriverLibrary, packId } from '../../../../main/drivers/library.js';
import { choosePacks } from '../../../../main/drivers/types.js';
import { cabinet } from '../../../helpers/cabinet.js';
import { commandUnavailable, requireOrSkip } from '../../../helpers/env.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-drivers-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const d = tmp();
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, rel)), { recursive: true });
    fs.writeFileSync(path.join(d, rel), body);
  }
  return d;
}

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

describe('driver library', () => {
  it('imports a folder: every file hashed, the manifest hashed, moved into place whole', async () => {
    const files = tmp();
    const lib = new DriverLibrary(files, () => new Date('2026-12-03T10:00:00Z'));
    const src = folder({
      'storage/iaStorVD.inf': '[Version]\r\n',
      'storage/iaStorVD.sys': 'MZ',
      'readme.txt': 'x',
    });
    const { pack, replaced } = await lib.import({
      source: src,
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: true,
    });
    expect(replaced).toBeNull();
    expect(pack).toMatchObject({
      id: 'dell-latitude-5440-winpe',
      files: 3,
      infs: 1,
      bytes: 14,
      dir: 'drivers/dell-latitude-5440-winpe',
      winpe: true,
    });
    expect(lib.files(pack.id)).toEqual([
      { rel: 'readme.txt', size: 1, sha256: sha('x') },
      { rel: 'storage/iaStorVD.inf', size: 11, sha256: sha('[Version]\r\n') },
      { rel: 'storage/iaStorVD.sys', size: 2, sha256: sha('MZ') },
    ]);
    expect(pack.sha256).toBe(sha(JSON.stringify(lib.files(pack.id))));
    expect(fs.readFileSync(path.join(files, pack.dir, 'files/storage/iaStorVD.sys'), 'utf8')).toBe(
      'MZ',
    );
    expect(fs.readdirSync(path.join(files, 'drivers/.incoming'))).toEqual([]);
    expect(lib.forModel('dell inc.', 'LATITUDE  5440').map((p) => p.id)).toEqual([pack.id]);

    // A new import of the same pack replaces it whole (the old files are gone).
    const again = await lib.import({
      source: folder({ 'a.inf': 'new' }),
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: true,
    });
    expect(again.replaced?.files).toBe(3);
    expect(lib.files(pack.id).map((f) => f.rel)).toEqual(['a.inf']);
    expect(fs.existsSync(path.join(files, pack.dir, 'files/storage'))).toBe(false);
  });

  it('refuses what WinPE could not use, and leaves nothing behind', async () => {
    const files = tmp();
    const lib = new DriverLibrary(files);
    const err = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as DriverImportError,
      );
    expect(
      (
        await err(
          lib.import({
            source: folder({ 'x.sys': 'MZ' }),
            vendor: 'HP',
            model: 'EliteBook',
            winpe: false,
          }),
        )
      )?.code,
    ).toBe('empty');
    expect(
      (
        await err(
          lib.import({
            source: folder({ 'a%b.inf': 'x' }),
            vendor: 'HP',
            model: 'EliteBook',
            winpe: false,
          }),
        )
      )?.code,
    ).toBe('bad_input');
    expect(
      (
        await err(
          lib.import({
            source: folder({ 'a.inf': 'x' }),
            vendor: '',
            model: 'EliteBook',
            winpe: false,
          }),
        )
      )?.code,
    ).toBe('bad_input');
    expect(
      (await err(lib.import({ source: '/nonexistent', vendor: 'HP', model: 'X', winpe: false })))
        ?.code,
    ).toBe('not_found');
    expect(lib.list()).toEqual([]);
    expect(fs.readdirSync(path.join(files, 'drivers/.incoming'))).toEqual([]);
  });

  const no7z = requireOrSkip(commandUnavailable('7zz', '7zip'));
  it.skipIf(no7z)('imports a .cab driver pack (extracted with 7-Zip)', async () => {
    const dir = tmp();
    const cab = path.join(dir, 'latitude-5440-win11.cab');
    fs.writeFileSync(
      cab,
      cabinet({ 'audio/RtkAud.inf': '[Version]\r\n', 'audio/RtkAud.sys': 'MZ-driver' }),
    );
    const lib = new DriverLibrary(tmp());
    const { pack } = await lib.import({
      source: cab,
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: false,
    });
    expect(pack).toMatchObject({
      id: 'dell-latitude-5440',
      source: 'latitude-5440-win11.cab',
      files: 2,
      infs: 1,
    });
    expect(lib.files(pack.id).map((f) => [f.rel, f.sha256])).toEqual([
      ['audio/RtkAud.inf', sha('[Version]\r\n')],
      ['audio/RtkAud.sys', sha('MZ-driver')],
    ]);
  });

  it("chooses packs by model, or the profile's pin, plus its additions", async () => {
    const lib = new DriverLibrary(tmp());
    await lib.import({
      source: folder({ 'a.inf': '1' }),
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: false,
    });
    await lib.import({
      source: folder({ 'a.inf': '2' }),
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: true,
    });
    await lib.import({
      source: folder({ 'b.inf': '3' }),
      vendor: 'Any',
      model: 'Printer',
      winpe: false,
      id: 'printers',
    });
    const dell = { vendor: 'Dell Inc.', model: 'Latitude 5440' };
    expect(choosePacks(lib, dell, { add: [] }).chosen.map((c) => `${c.pack.id}:${c.why}`)).toEqual([
      'dell-latitude-5440:model',
      'dell-latitude-5440-winpe:model',
    ]);
    expect(choosePacks(lib, dell, { pin: ['printers'], add: ['nope'] })).toMatchObject({
      chosen: [{ why: 'pin', pack: { id: 'printers' } }],
      missing: ['nope'],
    });
    expect(
      choosePacks(lib, { vendor: 'HP', model: 'X' }, { add: ['printers'] }).chosen.map(
        (c) => c.why,
      ),
    ).toEqual(['add']);
    expect(packId('LENOVO', '21HD', false)).toBe('lenovo-21hd');
  });
});
