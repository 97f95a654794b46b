import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** The folder holding PrepStation's package.json, from source (tests) or from dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'prepstation') {
          cached = dir;
          return dir;
        }
      } catch {
        // keep looking upwards
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the prepstation package root');
    dir = up;
  }
}

export function packageVersion(): string {
  const pj = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pj.version;
}
