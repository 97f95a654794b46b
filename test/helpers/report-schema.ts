import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

let validate: ValidateFunction | null = null;

/**
 * Checks a JSON report against docs/report.schema.json (the published contract, compiled
 * once: Ajv 2020-12, strict, with formats). Returns null when it is valid, else Ajv's errors
 * as text, so that `expect(reportSchemaErrors(doc)).toBeNull()` shows what is wrong.
 */
export function reportSchemaErrors(doc: unknown): string | null {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const file = path.join(import.meta.dirname, '../../docs/report.schema.json');
    validate = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')) as object);
  }
  return validate(doc) ? null : JSON.stringify(validate.errors, null, 2);
}
