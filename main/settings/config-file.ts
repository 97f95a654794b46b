import fs from 'node:fs';
import YAML from 'yaml';
import { kebab } from '../config/options.js';

/**
 * Writes option values into <data-dir>/config.yaml, keeping the others and the file's
 * comments; atomic (temp file, fsync, rename), so a crash never leaves half a file.
 */
export function saveConfigValues(file: string, values: Record<string, unknown>): void {
  let doc: YAML.Document;
  try {
    doc = YAML.parseDocument(fs.readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    doc = new YAML.Document({});
    doc.commentBefore = ' PrepStation options (flags and PREPSTATION_* env vars override these)';
  }
  if (!YAML.isMap(doc.contents)) doc.contents = doc.createNode({}) as YAML.YAMLMap;
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) doc.delete(kebab(k));
    else doc.set(kebab(k), v);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, doc.toString());
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
