import { z } from 'zod';

/** The UI API of prep reports and the shop settings they print: schemas and types. */

export const reportFormat = z.enum(['pdf', 'csv', 'json']);
export type ReportFormat = z.infer<typeof reportFormat>;
export const reportPaper = z.enum(['a4', 'letter']);
export type ReportPaper = z.infer<typeof reportPaper>;

/**
 * GET /api/v1/reports/machines/:idOrMac and /api/v1/reports/batches/:id. The body is the
 * file itself (application/pdf, text/csv with a UTF-8 BOM, or JSON per
 * docs/report.schema.json), with Content-Disposition: attachment (inline with
 * disposition=inline). Built from the event log on every request.
 */
export const reportQuery = z.strictObject({
  format: reportFormat.default('pdf'),
  /** PDF only; default: the shop settings' paper. */
  paper: reportPaper.optional(),
  /** Technician named on the report; default: the shop settings' technician. */
  technician: z.string().max(120).optional(),
  /** inline: show in the browser (preview); default: download. */
  disposition: z.enum(['attachment', 'inline']).default('attachment'),
});
export type ReportQuery = z.input<typeof reportQuery>;

export type MachineReportPath = `/api/v1/reports/machines/${string}`;
export type BatchReportPath = `/api/v1/reports/batches/${string}`;

/** GET /api/v1/settings/shop, and PUT with any subset (null clears a field). */
export const shopSettings = z.object({
  name: z.string().nullable(),
  /** Address, phone, web: free text, a line each. */
  address: z.string().nullable(),
  /** Default technician named on reports. */
  technician: z.string().nullable(),
  /** PNG or JPEG as a data: URL (at most 512 KB), or null. */
  logo: z.string().nullable(),
  paper: reportPaper,
  /** IANA zone for times printed in PDFs (null: the station's); JSON and CSV are UTC. */
  timeZone: z.string().nullable(),
});
export type ShopSettings = z.infer<typeof shopSettings>;
export type ShopSettingsUpdate = Partial<ShopSettings>;
