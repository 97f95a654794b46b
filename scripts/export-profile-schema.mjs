#!/usr/bin/env node
// Writes profiles/schema.json (JSON Schema of a profile) from the zod schema, for VS Code's
// YAML extension and the UI editor. Run after `npm run build:main`:
//   node scripts/export-profile-schema.mjs [--check]
// --check exits 1 if the committed file is stale (the unit tests check the same).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { profileJsonSchema } = await import(
  new URL('dist/main/profiles/json-schema.js', `file://${root}`).href
);
const out = `${root}profiles/schema.json`;
const text = JSON.stringify(profileJsonSchema(), null, 2) + '\n';
if (process.argv.includes('--check')) {
  const same = fs.existsSync(out) && fs.readFileSync(out, 'utf8') === text;
  process.stdout.write(
    same ? 'profiles/schema.json is up to date\n' : 'profiles/schema.json is stale\n',
  );
  process.exit(same ? 0 : 1);
}
fs.writeFileSync(out, text);
process.stdout.write(`wrote ${out}\n`);
