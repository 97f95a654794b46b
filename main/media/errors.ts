/** An import that cannot go on: `code` for the API, `message` for the technician. */
export class MediaImportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status for the API: 409 for an existing id, 507 for a full disk, else 400/422. */
    readonly status = code === 'media_exists' ? 409 : code === 'no_space' ? 507 : 422,
  ) {
    super(message);
  }
}

/** Turns a Node file-system error into a MediaImportError when it is one we can explain. */
export function explainFsError(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC' || e?.code === 'EDQUOT') {
    return new MediaImportError(
      'no_space',
      "The disk ran full while importing the medium. Free space on the station's files disk (or move --files to a bigger one) and import again.",
    );
  }
  return err;
}
