/**
 * The contract between the media library (import, storage, listing: issue "Windows media
 * library") and its users (profile checks, the WinPE renderers, the boot script, reports).
 * Paths are relative to the station files dir and served at `/files/<path>`.
 */

/** One edition of the install image, read from the WIM/ESD XML resource (not file names). */
export interface MediaEdition {
  /** 1-based image index in install.wim/.esd (what `dism /Apply-Image /Index:` takes). */
  index: number;
  /** `<NAME>`, e.g. "Windows 11 Pro". */
  name: string;
  /** `<WINDOWS><EDITIONID>`, e.g. "Professional". */
  editionId: string;
  /** `<DESCRIPTION>` where present. */
  description: string | null;
  /** `<WINDOWS><VERSION>`: "10.0.26100.1742" (MAJOR.MINOR.BUILD.SPBUILD). */
  version: string;
  /** `<WINDOWS><VERSION><BUILD>` as a number, e.g. 26100. */
  build: number;
  /** `<WINDOWS><ARCH>` mapped: 0 x86, 9 amd64, 12 arm64. */
  architecture: 'x86' | 'amd64' | 'arm64' | 'unknown';
  /** `<WINDOWS><LANGUAGES><LANGUAGE>`, e.g. ["en-US"]. */
  languages: string[];
  /** `<TOTALBYTES>` of the image (the apply size). */
  totalBytes: number;
}

export type ImageKind = 'wim' | 'esd' | 'swm';

export interface MediaImage {
  kind: ImageKind;
  /** The image to apply: `media/<id>/sources/install.wim` (.esd; the first .swm). */
  path: string;
  /** All files of a split image in order (`install.swm`, `install2.swm`, ...); else [path]. */
  parts: string[];
  /** Sum of the parts' sizes, what WinPE downloads. */
  bytes: number;
}

/** curl.exe and the DLLs it imports that boot.wim lacks, extracted at import for WinPE. */
export interface WinpeTools {
  /** `media/<id>/winpe/curl.exe`, or null for media older than 1803 (not deployable). */
  curl: string | null;
  /** `media/<id>/winpe/<name>.dll`: flat names, injected beside curl.exe by wimboot. */
  dlls: string[];
}

export interface MediaRecord {
  /** Lowercase letters, digits, dashes: `win11-24h2`. */
  id: string;
  /** For people: the volume label or the first edition's name and build. */
  label: string;
  /** The file or folder it was imported from (base name only). */
  source: string;
  importedAt: string;
  /** `media/<id>`. */
  dir: string;
  /** `media/<id>/sources/boot.wim` (WinPE boots its index 2). */
  bootWim: string;
  image: MediaImage;
  editions: MediaEdition[];
  /** The installer's UI language from `sources/lang.ini` ([Fallback]/default), e.g. "en-US". */
  uiLanguage: string;
  /** Highest build among the editions: 26100 and later need wimboot >= 2.9.0. */
  build: number;
  winpe: WinpeTools;
  /**
   * Boot files wimboot injects, stored in lowercase (`media/<id>/boot/bcd`, ...); null
   * when the medium lacks one. Optional: added after the first version of this contract.
   */
  bootFiles?: { bcd: string | null; bootSdi: string | null; efiBcd: string | null };
  /** Said at import and shown on the Media screen (e.g. no curl.exe: not deployable). */
  warnings: string[];
  /** Bytes stored for this medium. */
  bytes: number;
}

/** Read side used by renderers, checks and reports. */
export interface MediaLookup {
  get(id: string): MediaRecord | null;
  list(): MediaRecord[];
}

/** An edition by EDITIONID or NAME, case-insensitive; null when the medium lacks it. */
export function findEdition(media: MediaRecord, wanted: string): MediaEdition | null {
  const w = wanted.trim().toLowerCase();
  return (
    media.editions.find((e) => e.editionId.toLowerCase() === w) ??
    media.editions.find((e) => e.name.toLowerCase() === w) ??
    null
  );
}

/** Windows 11 24H2 (build 26100) and later boot only with wimboot >= 2.9.0. */
export const WIMBOOT_MIN_FOR_24H2 = '2.9.0';
export const BUILD_24H2 = 26100;

/** One import in flight or just ended: what the progress bar shows (event `media-import`). */
export interface MediaImportStatus {
  importId: string;
  /** The medium id once known (given, or read from the image). */
  id: string | null;
  /** File or folder name imported from. */
  source: string;
  state: 'uploading' | 'running' | 'done' | 'failed';
  phase: 'uploading' | 'checking' | 'copying' | 'reading' | 'tools' | 'finishing';
  bytesDone: number;
  bytesTotal: number;
  /** Seconds left at the current rate; null until known. */
  etaSeconds: number | null;
  error: { code: string; message: string } | null;
  startedAt: string;
}
