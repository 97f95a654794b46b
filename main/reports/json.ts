import type { Report } from './types.js';

/** The $id of docs/report.schema.json; a JSON report names it in `$schema`. */
export const REPORT_SCHEMA_ID = 'https://prepstation.dev/schemas/report-1.schema.json';

/** The JSON report: the model as it is, times in UTC ISO 8601, validated by the schema. */
export function reportJson(report: Report): string {
  return JSON.stringify({ $schema: REPORT_SCHEMA_ID, ...report }, null, 2) + '\n';
}
