import { z } from 'zod';

/** The UI API of the driver library: schemas and types (drivers/types.ts re-exports them). */

export const driverPack = z.object({
  /** Lowercase letters, digits, dashes: `dell-latitude-5440-winpe`. */
  id: z.string(),
  vendor: z.string(),
  model: z.string(),
  /** For WinPE (drvload before the disk is chosen: storage, network), else for the new Windows. */
  winpe: z.boolean(),
  /** The folder or CAB it was imported from (base name only). */
  source: z.string(),
  importedAt: z.string(),
  /** `drivers/<id>`: the files live under `drivers/<id>/files/`. */
  dir: z.string(),
  files: z.number(),
  /** Number of .inf files (a pack without any installs nothing). */
  infs: z.number(),
  bytes: z.number(),
  /** sha256 of the manifest (every file's path, size and sha256): the pack's identity. */
  sha256: z.string(),
});
export type DriverPack = z.infer<typeof driverPack>;

/** POST /api/v1/drivers: the pack as imported, and whether it replaced one of the same id. */
export const driverImported = driverPack.extend({ replaced: z.boolean() });
export type DriverImported = z.infer<typeof driverImported>;

/** POST /api/v1/drivers?vendor=V&model=M[&winpe=1][&id=ID]&fileName=X.cab: the CAB is the body. */
export const driverUploadQuery = z.object({
  vendor: z.string().optional(),
  model: z.string().optional(),
  winpe: z.string().optional(),
  id: z.string().optional(),
  fileName: z.string().optional(),
});
