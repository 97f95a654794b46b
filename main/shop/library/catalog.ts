import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppLibrary } from '../../apps/library.js';
import type { DriverLibrary } from '../../drivers/library.js';
import type { DriverPack } from '../../drivers/types.js';
import { MANIFEST, OWNER, fsyncDir } from '../../media/importer.js';
import type { MediaLibrary } from '../../media/library.js';
import type { MediaRecord } from '../../media/types.js';
import { indexedHash } from './blobs.js';
import type { SyncStore } from './sync-store.js';
import type { LibraryFile, LibraryKind } from './types.js';
import { listFiles, writeFileSynced } from '../../util/files.js';

/**
 * The station's app, driver and media libraries seen as shareable items: metadata plus
 * files by content. Apps are one installer each (imported again through the app library,
 * which checks sha256 and size); driver packs and media are folders, staged file by file
 * and renamed into place with their manifest written last, as their own importers do.
 */
export interface LibraryItem {
  kind: LibraryKind;
  id: string;
  meta: Record<string, unknown>;
  /** Paths relative to the item's folder (apps: to the files dir). */
  files: LibraryFile[];
  digest: string;
}

/** Driver pack and medium ids (their libraries' own rules are stricter still). */
const SAFE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** One path segment: no separators, no drive letters, nothing a filesystem treats specially. */
const SAFE_PART = /^[^\\/:*?"<>|]{1,255}$/;
const hasControl = (p: string): boolean => [...p].some((c) => c.charCodeAt(0) < 32);

export function itemDigest(meta: Record<string, unknown>, files: LibraryFile[]): string {
  const sorted = [...files].sort((a, b) => a.rel.localeCompare(b.rel));
  const canonical = JSON.stringify({
    meta: Object.fromEntries(Object.entries(meta).sort(([a], [b]) => a.localeCompare(b))),
    files: sorted.map((f) => [f.rel, f.sha256, f.size]),
  });
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** Where an item's files live, relative to the files dir. */
export function itemRoot(kind: LibraryKind, id: string): string {
  return kind === 'app' ? '' : `${kind === 'driver' ? 'drivers' : 'media'}/${id}`;
}

export const filePath = (kind: LibraryKind, id: string, rel: string): string =>
  kind === 'app' ? rel : `${itemRoot(kind, id)}/${rel}`;

export interface Libraries {
  filesDir: string;
  apps: AppLibrary;
  drivers: DriverLibrary | null;
  media: MediaLibrary | null;
}

/** Every local item, files hashed (from the index when unchanged) and indexed for serving. */
export async function localItems(libs: Libraries, sync: SyncStore): Promise<LibraryItem[]> {
  const out: LibraryItem[] = [];
  for (const p of libs.apps.list()) {
    const meta = { name: p.name, version: p.version, fileName: p.fileName, path: p.path };
    const files = [{ rel: p.path, sha256: p.sha256, size: p.size }];
    const f = fileStat(libs.filesDir, p.path);
    if (!f) continue;
    sync.putFile(p.path, p.sha256, p.size, f.mtimeMs);
    out.push({ kind: 'app', id: p.id, meta, files, digest: itemDigest(meta, files) });
  }
  for (const pack of libs.drivers?.list() ?? []) {
    const files = libs.drivers!.files(pack.id).map((f) => ({ ...f, rel: `files/${f.rel}` }));
    for (const f of files) {
      const st = fileStat(libs.filesDir, filePath('driver', pack.id, f.rel));
      if (st) sync.putFile(filePath('driver', pack.id, f.rel), f.sha256, f.size, st.mtimeMs);
    }
    const meta = withoutImportedAt(pack);
    out.push({ kind: 'driver', id: pack.id, meta, files, digest: itemDigest(meta, files) });
  }
  for (const rec of libs.media?.list() ?? []) {
    const root = path.join(libs.filesDir, 'media', rec.id);
    const files: LibraryFile[] = [];
    for (const rel of listFiles(root, { unreadable: 'skip' })) {
      if (rel === MANIFEST || rel === OWNER) continue;
      const f = await indexedHash(sync, libs.filesDir, filePath('media', rec.id, rel));
      if (f) files.push({ ...f, rel });
    }
    const meta = withoutImportedAt(rec);
    out.push({ kind: 'media', id: rec.id, meta, files, digest: itemDigest(meta, files) });
  }
  return out;
}

/** Fetches one file into a path; the shop side decides the sources and checks. */
export type Fetcher = (file: LibraryFile, dest: string) => Promise<void>;

/** Puts a shop item into the local library; throws with a technician's message. */
export async function installItem(
  libs: Libraries,
  item: Omit<LibraryItem, 'digest'>,
  fetchFile: Fetcher,
  now: () => Date,
): Promise<void> {
  if (item.kind === 'app') return installApp(libs, item, fetchFile);
  // The shop's rows become paths here: an id or a file name that could leave the library
  // folder is refused, whoever wrote it into the database.
  if (!SAFE_ID.test(item.id))
    throw new Error(`the shop lists an unsafe ${item.kind} id "${item.id}"`);
  const dirName = item.kind === 'driver' ? 'drivers' : 'media';
  if ((item.kind === 'driver' && !libs.drivers) || (item.kind === 'media' && !libs.media)) return;
  const root = path.join(libs.filesDir, dirName);
  // Media: the importer's staging name and owner file, so its crash clean-up knows it.
  const stage =
    item.kind === 'media'
      ? path.join(root, `.import-${item.id}-${crypto.randomBytes(4).toString('hex')}`)
      : path.join(root, '.incoming', `${item.id}-shop-${crypto.randomBytes(6).toString('hex')}`);
  fs.mkdirSync(stage, { recursive: true });
  try {
    if (item.kind === 'media') fs.writeFileSync(path.join(stage, OWNER), String(process.pid));
    for (const f of item.files) {
      const parts = f.rel.split('/');
      if (parts.some((p) => p === '.' || p === '..' || !SAFE_PART.test(p) || hasControl(p))) {
        throw new Error(`the shop lists an unsafe path "${f.rel}" in ${item.kind} ${item.id}`);
      }
      await fetchFile(f, path.join(stage, ...parts));
    }
    const record = { ...item.meta, importedAt: now().toISOString() };
    if (item.kind === 'driver') {
      const manifest = item.files.map((f) => ({
        rel: f.rel.replace(/^files\//, ''),
        sha256: f.sha256,
        size: f.size,
      }));
      writeFileSynced(path.join(stage, 'files.json'), JSON.stringify(manifest));
      writeFileSynced(path.join(stage, 'pack.json'), JSON.stringify(record, null, 2) + '\n');
    } else {
      fs.rmSync(path.join(stage, OWNER));
      writeFileSynced(path.join(stage, MANIFEST), JSON.stringify(record, null, 2) + '\n');
    }
    const target = path.join(root, item.id);
    const hex = crypto.randomBytes(6).toString('hex');
    // Where the old copy goes for a moment: names the libraries' clean-up already knows.
    const aside =
      item.kind === 'media'
        ? path.join(root, `.delete-${item.id}-${hex}`)
        : path.join(root, '.incoming', `${item.id}-old-${hex}`);
    if (fs.existsSync(target)) fs.renameSync(target, aside);
    fs.renameSync(stage, target);
    fsyncDir(root);
    fs.rmSync(aside, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw err;
  }
}

async function installApp(
  libs: Libraries,
  item: Omit<LibraryItem, 'digest'>,
  fetchFile: Fetcher,
): Promise<void> {
  const f = item.files[0];
  if (!f || item.files.length !== 1) throw new Error(`app ${item.id}: expected one file`);
  const tmp = path.join(
    libs.filesDir,
    'apps',
    '.incoming',
    `shop-${crypto.randomBytes(6).toString('hex')}`,
  );
  try {
    await fetchFile(f, tmp);
    const m = item.meta as { name: string; version: string; fileName: string };
    // The app library hashes it once more as it copies: the same check as an upload.
    const r = await libs.apps.importFile(tmp, {
      id: item.id,
      name: m.name,
      version: m.version,
      fileName: m.fileName,
      expectedSha256: f.sha256,
      expectedSize: f.size,
    });
    if (!r.ok) throw new Error(`app ${item.id}: ${r.error.message}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function withoutImportedAt(x: DriverPack | MediaRecord): Record<string, unknown> {
  const { importedAt: _ignored, ...rest } = x as unknown as Record<string, unknown>;
  return rest;
}

function fileStat(filesDir: string, rel: string): fs.Stats | null {
  try {
    return fs.statSync(path.join(filesDir, ...rel.split('/')));
  } catch {
    return null;
  }
}
