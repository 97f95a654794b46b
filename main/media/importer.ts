import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MediaImportError, explainFsError } from './errors.js';
import { uiLanguagesFromLangIni } from './lang-ini.js';
import {
  bytesUnder,
  copyFolder,
  extractIso,
  listFolder,
  listIso,
  type SourceListing,
} from './source.js';
import type { ImageKind, MediaEdition, MediaRecord } from './types.js';
import { readWim, type WimInfo } from './wim-file.js';
import { defaultLanguageFromXml, editionsFromXml } from './wim-xml.js';
import { extractWinpeTools } from './winpe-tools.js';

/** Lowercase letters, digits and dashes; what profiles write as `target.media`. */
export const MEDIA_ID = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
/** The stored record, written last inside the staged folder (see the library). */
export const MANIFEST = 'media.json';
/** Owner file of a staging folder: the importing process id (stale ones are removed). */
export const OWNER = '.owner';

export type ImportPhase = 'checking' | 'copying' | 'reading' | 'tools' | 'finishing';

export interface ImportProgress {
  phase: ImportPhase;
  bytesDone: number;
  bytesTotal: number;
  /** Seconds left at the current rate; null until there is a rate. */
  etaSeconds: number | null;
}

export interface ImportRequest {
  /** An ISO file or a folder copied from one. */
  source: string;
  id?: string | undefined;
  /** Shown as the source (an upload's original file name); default the base name. */
  sourceName?: string | undefined;
}

export interface ImportHooks {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
  /** Called with the chosen id before anything is copied (the library's in-flight guard). */
  claim?: (id: string) => void;
}

const bad = (code: string, message: string): MediaImportError =>
  new MediaImportError(code, message);

export function checkMediaId(id: string): void {
  if (!MEDIA_ID.test(id)) {
    throw new MediaImportError(
      'bad_id',
      `"${id}" cannot be a medium id: use lowercase letters, digits and dashes (up to 48), e.g. win11-24h2.`,
      400,
    );
  }
}

export function refuseExisting(mediaDir: string, id: string): void {
  if (fs.existsSync(path.join(mediaDir, id))) {
    throw new MediaImportError(
      'media_exists',
      `A medium "${id}" is already imported; it was left as it is. Import under another id (--id), or delete "${id}" first.`,
    );
  }
}

/** Windows 11 is build 22000 and later; "win11-26100" until the technician names it. */
function defaultId(build: number): string {
  return `win${build >= 22000 ? 11 : 10}-${build}`;
}

function hasWindowsLayout(listing: SourceListing): boolean {
  const names = new Set(listing.files.map((f) => f.path.toLowerCase()));
  const install = ['install.wim', 'install.esd', 'install.swm'].some((n) =>
    names.has(`sources/${n}`),
  );
  return names.has('sources/boot.wim') && install;
}

/**
 * Imports a medium into `<files>/media/<id>`. Everything happens in a staging folder
 * `<files>/media/.import-<id>-<rand>` that is renamed into place only when the record is
 * written, so a half-imported medium is never listed; on any error the staging folder is
 * removed and nothing else changes.
 */
export async function importMedium(
  filesDir: string,
  req: ImportRequest,
  hooks: ImportHooks = {},
): Promise<MediaRecord> {
  const now = hooks.now ?? (() => new Date());
  const mediaDir = path.join(filesDir, 'media');
  if (req.id !== undefined) {
    checkMediaId(req.id);
    refuseExisting(mediaDir, req.id);
    hooks.claim?.(req.id);
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(req.source);
  } catch {
    throw new MediaImportError('not_found', `${req.source}: no such file or folder.`, 400);
  }
  const progress = progressMeter(hooks.onProgress);
  progress.set('checking', 0, 0);
  const listing = st.isDirectory()
    ? listFolder(req.source)
    : await listIso(req.source, hooks.signal);
  const sourceName = req.sourceName ?? path.basename(req.source);
  if (!hasWindowsLayout(listing)) {
    throw bad(
      'not_windows_media',
      `${sourceName} is not a Windows 10/11 installation medium: it has no sources/boot.wim with sources/install.wim, .esd or .swm. Use the ISO from Microsoft (or the Media Creation Tool).`,
    );
  }
  fs.mkdirSync(mediaDir, { recursive: true });
  const free = freeBytes(mediaDir);
  // Some headroom for curl.exe, its DLLs and the record.
  if (free !== null && free < listing.bytes + 64 * 1024 * 1024) {
    throw bad(
      'no_space',
      `Not enough free space for ${sourceName}: it needs ${gib(listing.bytes)} GiB, the files disk (${mediaDir}) has ${gib(free)} GiB free. Free space or move --files to a bigger disk.`,
    );
  }
  const stage = path.join(
    mediaDir,
    `.import-${req.id ?? 'new'}-${crypto.randomBytes(4).toString('hex')}`,
  );
  fs.mkdirSync(stage);
  fs.writeFileSync(path.join(stage, OWNER), String(process.pid));
  const poll = setInterval(() => progress.set('copying', bytesUnder(stage), listing.bytes), 500);
  try {
    progress.set('copying', 0, listing.bytes);
    if (listing.kind === 'iso') await extractIso(req.source, stage, hooks.signal);
    else await copyFolder(req.source, stage, listing);
    clearInterval(poll);
    progress.set('reading', listing.bytes, listing.bytes);
    checkComplete(stage, listing, sourceName);
    const renamedWarnings = lowercaseTree(stage);
    const record = await describe(stage, listing, sourceName, req.id, now);
    record.warnings.unshift(...renamedWarnings);
    if (req.id === undefined) {
      refuseExisting(mediaDir, record.id);
      hooks.claim?.(record.id);
    }
    progress.set('finishing', listing.bytes, listing.bytes);
    fs.rmSync(path.join(stage, OWNER));
    writeFileSynced(path.join(stage, MANIFEST), JSON.stringify(record, null, 2) + '\n');
    const final = path.join(mediaDir, record.id);
    refuseExisting(mediaDir, record.id);
    // rename(2) of a directory onto an existing non-empty one fails: never overwrites.
    try {
      fs.renameSync(stage, final);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') refuseExisting(mediaDir, record.id);
      throw err;
    }
    fsyncDir(mediaDir);
    return record;
  } catch (err) {
    clearInterval(poll);
    fs.rmSync(stage, { recursive: true, force: true });
    if (hooks.signal?.aborted) {
      throw new MediaImportError('cancelled', 'The import was cancelled; nothing was kept.', 499);
    }
    throw explainFsError(err);
  }
}

/** Reads what was copied into the stage: image kind, editions, language, WinPE tools. */
async function describe(
  stage: string,
  listing: SourceListing,
  sourceName: string,
  wantedId: string | undefined,
  now: () => Date,
): Promise<MediaRecord> {
  const sources = path.join(stage, 'sources');
  const names = fs.readdirSync(sources);
  const warnings: string[] = [];
  const kind: ImageKind = names.includes('install.wim')
    ? 'wim'
    : names.includes('install.esd')
      ? 'esd'
      : 'swm';
  const partFiles =
    kind === 'swm' ? names.filter((n) => /^install\d*\.swm$/.test(n)) : [`install.${kind}`];
  const parts: WimInfo[] = partFiles.map((n) => readWim(path.join(sources, n)));
  parts.sort((a, b) => a.header.partNumber - b.header.partNumber);
  const first = parts[0]!;
  if (kind === 'swm') checkSplitParts(parts);
  let editions: MediaEdition[];
  try {
    editions = editionsFromXml(first.xml);
  } catch (err) {
    throw bad(
      'bad_image',
      `sources/install.${kind}: its XML cannot be read (${(err as Error).message}).`,
    );
  }
  if (editions.length === 0)
    throw bad('bad_image', `sources/install.${kind} lists no images in its XML.`);
  const boot = readWim(path.join(sources, 'boot.wim'));
  if (boot.header.imageCount < 2) {
    throw bad(
      'bad_image',
      `sources/boot.wim has ${boot.header.imageCount} image(s); Windows Setup media have two (WinPE boots index 2). Use an unmodified Windows ISO.`,
    );
  }
  let uiLanguage: string | null = null;
  const langIni = path.join(sources, 'lang.ini');
  if (fs.existsSync(langIni)) uiLanguage = uiLanguagesFromLangIni(fs.readFileSync(langIni)).default;
  if (!uiLanguage) {
    uiLanguage =
      defaultLanguageFromXml(first.xml, editions[0]!.index) ?? editions[0]!.languages[0] ?? 'en-US';
    warnings.push(
      `sources/lang.ini is missing or empty: the installer language is taken from the image (${uiLanguage}).`,
    );
  }
  const build = Math.max(...editions.map((e) => e.build));
  const id = wantedId ?? defaultId(build);
  const rel = (p: string): string => `media/${id}/${p}`;
  const installRef = { file: first.file, parts: parts.map((p) => p.file) };
  const bootRef = { file: boot.file, parts: [boot.file] };
  const tools = await extractWinpeTools(
    installRef,
    editions[0]!.index,
    bootRef,
    path.join(stage, 'winpe'),
  );
  warnings.push(...tools.warnings);
  const archs = new Set(editions.map((e) => e.architecture));
  if (archs.has('unknown')) warnings.push('Some editions name no known architecture in their XML.');
  const exists = (p: string): string | null => (fs.existsSync(path.join(stage, p)) ? rel(p) : null);
  return {
    id,
    label: listing.label ?? `${editions[0]!.name} (build ${build})`,
    source: sourceName,
    importedAt: now().toISOString(),
    dir: `media/${id}`,
    bootWim: rel('sources/boot.wim'),
    image: {
      kind,
      path: rel(`sources/${path.basename(first.file)}`),
      parts: parts.map((p) => rel(`sources/${path.basename(p.file)}`)),
      bytes: parts.reduce((s, p) => s + p.size, 0),
    },
    editions,
    uiLanguage,
    build,
    winpe: {
      curl: tools.curl ? rel(`winpe/${tools.curl}`) : null,
      dlls: tools.dlls.map((d) => rel(`winpe/${d}`)),
    },
    bootFiles: {
      bcd: exists('boot/bcd'),
      bootSdi: exists('boot/boot.sdi'),
      efiBcd: exists('efi/microsoft/boot/bcd'),
    },
    warnings,
    bytes: bytesUnder(stage),
  };
}

function checkSplitParts(parts: WimInfo[]): void {
  const total = parts[0]!.header.totalParts;
  const guid = parts[0]!.header.guid;
  const numbers = parts.map((p) => p.header.partNumber);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter(
    (n) => !numbers.includes(n),
  );
  if (missing.length > 0 || parts.some((p) => p.header.guid !== guid)) {
    throw bad(
      'bad_image',
      `The split image is incomplete: ${total} part(s) expected, part(s) ${missing.join(', ') || '?'} missing or from another image. Copy every install*.swm of the medium.`,
    );
  }
}

/** Every file is as long as the listing said (7-Zip can stop early on a damaged image). */
function checkComplete(stage: string, listing: SourceListing, sourceName: string): void {
  for (const f of listing.files) {
    let size = -1;
    try {
      size = fs.statSync(path.join(stage, ...f.path.split('/'))).size;
    } catch {
      // missing: reported below
    }
    if (size !== f.size) {
      throw bad(
        'incomplete_source',
        `${sourceName}: ${f.path} came out ${size < 0 ? 'missing' : `${size} of ${f.size} bytes`}. The ISO is incomplete or damaged: download it again.`,
      );
    }
  }
}

/**
 * Windows does not care about case; Linux and HTTP do. Media are stored in lowercase so
 * `sources/boot.wim`, `boot/bcd` and `efi/microsoft/boot/bcd` are always where the boot
 * script looks, whatever the ISO's spelling.
 */
function lowercaseTree(dir: string, rel = ''): string[] {
  const warnings: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    let name = e.name;
    const lower = name.toLowerCase();
    if (lower !== name) {
      if (fs.existsSync(path.join(dir, rel, lower))) {
        warnings.push(`${rel}/${name} and ${rel}/${lower} differ only in case; kept both.`);
      } else {
        fs.renameSync(path.join(dir, rel, name), path.join(dir, rel, lower));
        name = lower;
      }
    }
    if (e.isDirectory()) warnings.push(...lowercaseTree(dir, path.join(rel, name)));
  }
  return warnings;
}

function progressMeter(cb: ImportHooks['onProgress']) {
  const started = Date.now();
  let last = 0;
  return {
    set(phase: ImportPhase, bytesDone: number, bytesTotal: number): void {
      if (!cb) return;
      const t = Date.now();
      if (phase === 'copying' && bytesDone > 0 && bytesDone < bytesTotal && t - last < 250) return;
      last = t;
      const rate = bytesDone / Math.max(0.001, (t - started) / 1000);
      const etaSeconds =
        bytesDone > 0 && rate > 0 ? Math.max(0, Math.round((bytesTotal - bytesDone) / rate)) : null;
      cb({ phase, bytesDone, bytesTotal, etaSeconds });
    },
  };
}

function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

const gib = (n: number): string => (n / 1024 ** 3).toFixed(1);

function writeFileSynced(file: string, text: string): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}
