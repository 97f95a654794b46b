import fs from 'node:fs';
import path from 'node:path';

/**
 * Every file under `dir`, as sorted '/'-separated paths relative to it. A library's own
 * folder must be readable (an error is thrown); a catalogue scan of folders that may be
 * half-deleted passes `unreadable: 'skip'` and sees such a folder as empty.
 */
export function listFiles(dir: string, opts: { unreadable?: 'throw' | 'skip' } = {}): string[] {
  const walk = (at: string, base: string): string[] => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(at, { withFileTypes: true });
    } catch (err) {
      if (opts.unreadable === 'skip') return [];
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      const rel = base ? `${base}/${e.name}` : e.name;
      if (e.isDirectory()) out.push(...walk(path.join(at, e.name), rel));
      else if (e.isFile()) out.push(rel);
    }
    return out;
  };
  return walk(dir, '').sort();
}

/** Writes `text` and fsyncs it before closing: a staged manifest survives a power cut. */
export function writeFileSynced(file: string, text: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
