import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaLibrary } from '../../../../main/media/library.js';
import { findEdition, type MediaRecord } from '../../../../main/media/types.js';

let files: string;
beforeEach(() => {
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-lib-'));
});
afterEach(() => fs.rmSync(files, { recursive: true, force: true }));

const record = (id: string): MediaRecord => ({
  id,
  label: 'X',
  source: 'x.iso',
  importedAt: '2026-12-03T10:00:00.000Z',
  dir: `media/${id}`,
  bootWim: `media/${id}/sources/boot.wim`,
  image: { kind: 'wim', path: `media/${id}/sources/install.wim`, parts: [], bytes: 1 },
  editions: [
    {
      index: 6,
      name: 'Windows 11 Pro',
      editionId: 'Professional',
      description: null,
      version: '10.0.26100.1',
      build: 26100,
      architecture: 'amd64',
      languages: ['en-US'],
      totalBytes: 1,
    },
  ],
  uiLanguage: 'en-US',
  build: 26100,
  winpe: { curl: null, dlls: [] },
  warnings: [],
  bytes: 1,
});

function put(rel: string, text: string): void {
  const p = path.join(files, 'media', rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

/** A pid that is not running: the highest possible one. */
const deadPid = 4194303;

describe('media library folder', () => {
  it('lists only folders with a readable media.json whose id matches', () => {
    put('win11/media.json', JSON.stringify(record('win11')));
    put('half/sources/boot.wim', 'no record: a half import');
    put('broken/media.json', '{ not json');
    put('other/media.json', JSON.stringify(record('renamed')));
    put('.import-x-1234/media.json', JSON.stringify(record('x')));
    const lib = new MediaLibrary(files);
    expect(lib.list().map((m) => m.id)).toEqual(['win11']);
    expect(lib.get('half')).toBeNull();
    expect(lib.get('../win11')).toBeNull();
  });

  it('removes leftovers of dead processes only', () => {
    put(`.import-a-0001/${'.owner'}`, String(deadPid));
    put(`.import-b-0002/${'.owner'}`, String(process.pid));
    put('.import-c-0003/sources/x', 'no owner file: killed before it was written');
    put(`.upload-${deadPid}-abcd.iso`, 'x');
    put(`.upload-${process.pid}-abcd.iso`, 'x');
    put('.delete-old-0004/x', 'x');
    put('win11/media.json', JSON.stringify(record('win11')));
    const removed = new MediaLibrary(files).removeStale().sort();
    expect(removed).toEqual([
      '.delete-old-0004',
      '.import-a-0001',
      '.import-c-0003',
      `.upload-${deadPid}-abcd.iso`,
    ]);
    expect(fs.readdirSync(path.join(files, 'media')).sort()).toEqual([
      '.import-b-0002',
      `.upload-${process.pid}-abcd.iso`,
      'win11',
    ]);
  });

  it('finds an edition by EDITIONID or NAME in any case, and not by a part of it', () => {
    const m = record('w');
    expect(findEdition(m, 'professional')?.index).toBe(6);
    expect(findEdition(m, ' WINDOWS 11 PRO ')?.index).toBe(6);
    expect(findEdition(m, 'Pro')).toBeNull();
  });
});
