import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppLibrary } from '../../../../main/apps/library.js';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { EventBus } from '../../../../main/events/bus.js';

let dir: string;
let db: Db;
let bus: EventBus;
let lib: AppLibrary;
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps7-apps-'));
  db = openDatabase(path.join(dir, 'db.sqlite'));
  bus = new EventBus();
  lib = new AppLibrary(db, path.join(dir, 'files'), bus, () => new Date('2026-11-26T10:00:00Z'));
});
afterEach(() => {
  db.close();
  bus.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const meta = { name: 'Tool', version: '1.0', fileName: 'tool.sh' };

describe('AppLibrary', () => {
  it('stores the file, hashed while written, and resolves it for the plan builder', async () => {
    const body = crypto.randomBytes(300_000);
    const events: unknown[] = [];
    bus.on((e) => events.push(e));
    // Many small chunks: the hash must cover every one of them, in order.
    const chunks = Array.from({ length: 30 }, (_, i) =>
      body.subarray(i * 10_000, (i + 1) * 10_000),
    );
    const r = await lib.importStream(Readable.from(chunks), meta);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ id: 'tool', size: body.length, sha256: sha(body) });
    const onDisk = fs.readFileSync(path.join(dir, 'files', 'apps', 'tool', '1.0', 'tool.sh'));
    expect(onDisk.equals(body)).toBe(true);
    expect(lib.lookup('tool')).toEqual({
      path: 'apps/tool/1.0/tool.sh',
      size: body.length,
      sha256: sha(body),
    });
    expect(lib.lookup('nope')).toBeNull();
    expect(events).toMatchObject([{ type: 'app-package', app: { id: 'tool' } }]);
    // Nothing half-written is left behind.
    expect(fs.readdirSync(path.join(dir, 'files', 'apps', '.incoming'))).toEqual([]);
  });

  it('refuses a checksum or size that does not match and leaves no file', async () => {
    const body = Buffer.from('echo hi\n');
    const bad = await lib.importStream(Readable.from([body]), {
      ...meta,
      expectedSha256: 'a'.repeat(64),
    });
    expect(bad).toMatchObject({ ok: false, status: 400, error: { code: 'sha256_mismatch' } });
    const short = await lib.importStream(Readable.from([body]), { ...meta, expectedSize: 100 });
    expect(short).toMatchObject({ ok: false, error: { code: 'size_mismatch' } });
    expect(fs.existsSync(path.join(dir, 'files', 'apps', 'tool'))).toBe(false);
    expect(lib.list()).toEqual([]);
  });

  it('refuses an empty file and an upload that breaks off', async () => {
    expect(await lib.importStream(Readable.from([]), meta)).toMatchObject({
      ok: false,
      error: { code: 'empty_file' },
    });
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('connection reset'));
      },
    });
    expect(await lib.importStream(broken, meta)).toMatchObject({
      ok: false,
      error: { code: 'upload_failed' },
    });
    expect(lib.list()).toEqual([]);
  });

  it('is idempotent for the same bytes, refuses other bytes under the same version', async () => {
    const a = Buffer.from('version one\n');
    expect((await lib.importStream(Readable.from([a]), meta)).ok).toBe(true);
    expect((await lib.importStream(Readable.from([a]), meta)).ok).toBe(true);
    const other = await lib.importStream(Readable.from([Buffer.from('changed\n')]), meta);
    expect(other).toMatchObject({ ok: false, status: 409, error: { code: 'version_exists' } });
    expect(lib.get('tool')?.sha256).toBe(sha(a));
  });

  it('a new version replaces the entry and keeps the old file for running deployments', async () => {
    await lib.importStream(Readable.from([Buffer.from('one\n')]), meta);
    const r = await lib.importStream(Readable.from([Buffer.from('two\n')]), {
      ...meta,
      version: '2.0',
    });
    expect(r.ok && r.replaced?.version).toBe('1.0');
    expect(lib.lookup('tool')?.path).toBe('apps/tool/2.0/tool.sh');
    expect(fs.existsSync(path.join(dir, 'files', 'apps', 'tool', '1.0', 'tool.sh'))).toBe(true);
    expect(lib.list().map((p) => p.version)).toEqual(['2.0']);
  });
});
