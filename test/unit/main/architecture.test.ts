import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of docs/architecture.md, checked on the source: an import against them, or a
 * second reader of a table, fails here with the file and the import that broke the rule.
 */
const root = path.resolve(import.meta.dirname, '../../..');
const main = path.join(root, 'main');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every relative import/export `from` of the file (type-only ones too), as the folder under main. */
function importedFolders(file: string): { folder: string; spec: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: { folder: string; spec: string }[] = [];
  for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms)) {
    const target = path.resolve(path.dirname(file), m[1]!);
    const rel = path.relative(main, target);
    if (!rel.startsWith('..')) out.push({ folder: rel.split(path.sep)[0]!, spec: m[1]! });
  }
  return out;
}

const folderOf = (file: string) => path.relative(main, file).split(path.sep)[0]!;
const files = sources(main);

// [folder, folders it must never import]
const forbidden: [string, string[]][] = [
  ['agent', ['machines', 'machine-api']],
  ['machines', ['machine-api']],
];

describe('architecture', () => {
  it.each(forbidden)('main/%s imports nothing from %j', (from, never) => {
    const broken = files
      .filter((f) => folderOf(f) === from)
      .flatMap((f) =>
        importedFolders(f)
          .filter((i) => never.includes(i.folder))
          .map((i) => `${path.relative(root, f)} -> ${i.spec}`),
      );
    expect(broken).toEqual([]);
  });

  it('the check sees imports (it would fail on the old machines <-> agent cycle)', () => {
    const lifecycle = importedFolders(path.join(main, 'machines', 'lifecycle.ts'));
    expect(lifecycle.map((i) => i.folder)).toContain('agent');
  });

  it('machine_events is read and written by main/machines/store.ts only', () => {
    // Migrations create it; the shop shipper's outbox (issue 20) copies it by trigger and
    // JOIN: the one named exception, see docs/architecture.md.
    const allowed = new Set([
      'main/machines/store.ts',
      'main/db/migrations/0010-machines.ts',
      'main/db/migrations/0060-shop-outbox.ts',
      'main/shop/outbox.ts',
    ]);
    const sql = /\b(FROM|JOIN|INTO|UPDATE|ON)\s+machine_events\b/i;
    const readers = files
      .map((f) => path.relative(root, f).split(path.sep).join('/'))
      .filter((f) => !allowed.has(f) && sql.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(readers).toEqual([]);
  });
});
