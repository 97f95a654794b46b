/**
 * A failure a technician (or a script's author) can act on: a stable `code`, the HTTP
 * `status` the API answers with, one sentence saying what is wrong, and where the station
 * knows it, what to do about it (`fix`). A route throws it; the listener's one error
 * handler (net/http/errors.ts) turns it into the one error reply. Domain modules throw it
 * without knowing about HTTP beyond the status number.
 */
export class DomainError extends Error {
  readonly status: number;
  readonly fix: string | undefined;
  readonly details: unknown;

  constructor(
    readonly code: string,
    message: string,
    opts: { status?: number; fix?: string; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = opts.status ?? 400;
    this.fix = opts.fix;
    this.details = opts.details;
  }
}

/** The usual 404: "No medium "x" in the media library." */
export function notFound(message: string, fix?: string): DomainError {
  return new DomainError('not_found', message, { status: 404, ...(fix ? { fix } : {}) });
}
