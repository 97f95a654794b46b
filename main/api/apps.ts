import { z } from 'zod';

/** An installer in the app library (<files>/apps); profiles reference it by id. */
export const appPackage = z.object({
  /** What profiles name in `source: { package: id }`. */
  id: z.string(),
  name: z.string(),
  version: z.string(),
  fileName: z.string(),
  /** Path under the files dir; machines download it from /files/<path> (with Range). */
  path: z.string(),
  size: z.number(),
  sha256: z.string(),
  importedAt: z.string(),
});
export type AppPackage = z.infer<typeof appPackage>;

/**
 * POST /api/v1/apps: the installer is the raw body; what it is rides in the query. The
 * library checks the values (invalid_package), so here they are only strings.
 */
export const appImportQuery = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  id: z.string().optional(),
  fileName: z.string().optional(),
  /** Older spelling of fileName. */
  filename: z.string().optional(),
  /** The installer's expected sha256: the import fails when the bytes differ. */
  sha256: z.string().optional(),
});
