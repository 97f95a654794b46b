import { z } from 'zod';

/**
 * The UI API of the Windows media library: schemas and types. main/media/types.ts
 * re-exports these types (the importer, renderers and reports use them).
 */

/** One edition of the install image, read from the WIM/ESD XML resource (not file names). */
export const mediaEdition = z.object({
  /** 1-based image index in install.wim/.esd (what `dism /Apply-Image /Index:` takes). */
  index: z.number(),
  /** `<NAME>`, e.g. "Windows 11 Pro". */
  name: z.string(),
  /** `<WINDOWS><EDITIONID>`, e.g. "Professional". */
  editionId: z.string(),
  /** `<DESCRIPTION>` where present. */
  description: z.string().nullable(),
  /** `<WINDOWS><VERSION>`: "10.0.26100.1742" (MAJOR.MINOR.BUILD.SPBUILD). */
  version: z.string(),
  /** `<WINDOWS><VERSION><BUILD>` as a number, e.g. 26100. */
  build: z.number(),
  /** `<WINDOWS><ARCH>` mapped: 0 x86, 9 amd64, 12 arm64. */
  architecture: z.enum(['x86', 'amd64', 'arm64', 'unknown']),
  /** `<WINDOWS><LANGUAGES><LANGUAGE>`, e.g. ["en-US"]. */
  languages: z.array(z.string()),
  /** `<TOTALBYTES>` of the image (the apply size). */
  totalBytes: z.number(),
});
export type MediaEdition = z.infer<typeof mediaEdition>;

export const imageKind = z.enum(['wim', 'esd', 'swm']);
export type ImageKind = z.infer<typeof imageKind>;

export const mediaImage = z.object({
  kind: imageKind,
  /** The image to apply: `media/<id>/sources/install.wim` (.esd; the first .swm). */
  path: z.string(),
  /** All files of a split image in order (`install.swm`, `install2.swm`, ...); else [path]. */
  parts: z.array(z.string()),
  /** Sum of the parts' sizes, what WinPE downloads. */
  bytes: z.number(),
});
export type MediaImage = z.infer<typeof mediaImage>;

/** curl.exe and the DLLs it imports that boot.wim lacks, extracted at import for WinPE. */
export const winpeTools = z.object({
  /** `media/<id>/winpe/curl.exe`, or null for media older than 1803 (not deployable). */
  curl: z.string().nullable(),
  /** `media/<id>/winpe/<name>.dll`: flat names, injected beside curl.exe by wimboot. */
  dlls: z.array(z.string()),
});
export type WinpeTools = z.infer<typeof winpeTools>;

export const mediaRecord = z.object({
  /** Lowercase letters, digits, dashes: `win11-24h2`. */
  id: z.string(),
  /** For people: the volume label or the first edition's name and build. */
  label: z.string(),
  /** The file or folder it was imported from (base name only). */
  source: z.string(),
  importedAt: z.string(),
  /** `media/<id>`. */
  dir: z.string(),
  /** `media/<id>/sources/boot.wim` (WinPE boots its index 2). */
  bootWim: z.string(),
  image: mediaImage,
  editions: z.array(mediaEdition),
  /** The installer's UI language from `sources/lang.ini` ([Fallback]/default), e.g. "en-US". */
  uiLanguage: z.string(),
  /** Highest build among the editions: 26100 and later need wimboot >= 2.9.0. */
  build: z.number(),
  winpe: winpeTools,
  /**
   * Boot files wimboot injects, stored in lowercase (`media/<id>/boot/bcd`, ...); null
   * when the medium lacks one. Optional: added after the first version of this contract.
   */
  bootFiles: z
    .object({
      bcd: z.string().nullable(),
      bootSdi: z.string().nullable(),
      efiBcd: z.string().nullable(),
    })
    .optional(),
  /** Said at import and shown on the Media screen (e.g. no curl.exe: not deployable). */
  warnings: z.array(z.string()),
  /** Bytes stored for this medium. */
  bytes: z.number(),
});
export type MediaRecord = z.infer<typeof mediaRecord>;

/** One import in flight or just ended: what the progress bar shows (event `media-import`). */
export const mediaImportStatus = z.object({
  importId: z.string(),
  /** The medium id once known (given, or read from the image). */
  id: z.string().nullable(),
  /** File or folder name imported from. */
  source: z.string(),
  state: z.enum(['uploading', 'running', 'done', 'failed']),
  phase: z.enum(['uploading', 'checking', 'copying', 'reading', 'tools', 'finishing']),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  /** Seconds left at the current rate; null until known. */
  etaSeconds: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  startedAt: z.string(),
});
export type MediaImportStatus = z.infer<typeof mediaImportStatus>;

/** GET /api/v1/wimboot: wimboot present, its version, and what is wrong for the media. */
export const wimbootStatus = z.object({
  present: z.boolean(),
  /** "2.9.0", or null when absent or no banner was found. */
  version: z.string().nullable(),
  path: z.string(),
  /** What is wrong for the imported media (null: nothing). */
  problem: z.string().nullable(),
  fix: z.string().nullable(),
});
export type WimbootStatus = z.infer<typeof wimbootStatus>;

/**
 * POST /api/v1/media?fileName=X.iso[&id=ID][&wait=1]: the ISO is the raw body. The
 * importer checks id (checkMediaId), so here the values are only strings.
 */
export const mediaUploadQuery = z.object({
  fileName: z.string().optional(),
  id: z.string().optional(),
  /** 1 or true: answer when the import has ended (201 with the record, or the error). */
  wait: z.string().optional(),
});
