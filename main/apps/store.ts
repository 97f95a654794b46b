import type { AppPackage } from '../api/contract.js';
import type { Db } from '../db/open.js';

/** Named statements for table app_packages (migration 0050). */
export class AppStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare('SELECT * FROM app_packages ORDER BY name COLLATE NOCASE, id'),
      one: db.prepare('SELECT * FROM app_packages WHERE id = ?'),
      upsert: db.prepare(
        `INSERT INTO app_packages (id, name, version, file_name, path, size, sha256, imported_at)
         VALUES (@id, @name, @version, @fileName, @path, @size, @sha256, @importedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, version = excluded.version,
           file_name = excluded.file_name, path = excluded.path, size = excluded.size,
           sha256 = excluded.sha256, imported_at = excluded.imported_at`,
      ),
    };
  }

  list(): AppPackage[] {
    return (this.stmts.all.all() as Row[]).map(fromRow);
  }

  get(id: string): AppPackage | null {
    const row = this.stmts.one.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  save(p: AppPackage): void {
    this.stmts.upsert.run(p);
  }
}

interface Row {
  id: string;
  name: string;
  version: string;
  file_name: string;
  path: string;
  size: number;
  sha256: string;
  imported_at: string;
}

function fromRow(r: Row): AppPackage {
  return {
    id: r.id,
    name: r.name,
    version: r.version,
    fileName: r.file_name,
    path: r.path,
    size: r.size,
    sha256: r.sha256,
    importedAt: r.imported_at,
  };
}
