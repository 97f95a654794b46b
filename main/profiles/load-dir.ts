import fs from 'node:fs';
import path from 'node:path';
import { parseProfileSource, type ProfileSource } from './parse.js';
import { resolveAll, type Resolved } from './resolve.js';

/** Every profile file of a directory, parsed and resolved (the CLI's view; no database). */
export function loadProfileDir(dir: string): {
  sources: Map<string, ProfileSource>;
  resolved: Map<string, Resolved>;
} {
  const sources = new Map<string, ProfileSource>();
  for (const f of fs.readdirSync(dir).sort()) {
    if (!/\.ya?ml$/i.test(f) || f.startsWith('.')) continue;
    const file = path.join(dir, f);
    if (!fs.statSync(file).isFile()) continue;
    const src = parseProfileSource(fs.readFileSync(file, 'utf8'), file);
    sources.set(src.id, src);
  }
  return { sources, resolved: resolveAll(sources) };
}
