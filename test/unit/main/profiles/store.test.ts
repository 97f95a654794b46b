import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationEvent } from '../../../../main/api/contract.js';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { EventBus } from '../../../../main/events/bus.js';
import { createLogger } from '../../../../main/log/logger.js';
import { ProfileStore } from '../../../../main/profiles/store.js';

const samples = path.join(import.meta.dirname, '../../../../profiles');
let dir: string;
let db: Db;
let store: ProfileStore;
let events: StationEvent[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps5-store-'));
  db = openDatabase(path.join(dir, 'station.db'));
  const bus = new EventBus();
  events = [];
  bus.on((e) => events.push(e));
  store = new ProfileStore({
    dir: path.join(dir, 'profiles'),
    db,
    logger: createLogger({ level: 'silent' }),
    bus,
    seedDir: samples,
  });
  store.load();
});
afterEach(async () => {
  await store.stop();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const until = async (cond: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('ProfileStore', () => {
  it('seeds the samples once, with schema.json, and records version 1 of each', () => {
    expect(store.list().map((s) => s.id)).toEqual([
      'dental-weber',
      'law-firm-mueller',
      'school-lab',
      'ubuntu-2404-base',
      'windows-11-base',
    ]);
    expect(store.list().every((s) => s.ok)).toBe(true);
    expect(store.get('dental-weber')?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(store.history('dental-weber')).toEqual([
      expect.objectContaining({ version: 1, author: 'loaded from disk' }),
    ]);
    // Deleting every sample must not bring them back at the next start.
    for (const f of fs.readdirSync(store.dir))
      if (f.endsWith('.yaml')) fs.rmSync(path.join(store.dir, f));
    store.load();
    expect(store.list()).toEqual([]);
  });

  it('saves atomically, keeps every version with author, and diffs them', () => {
    const text = store.text('dental-weber')!;
    const edited = text.replace('DENTW', 'DENT2');
    const r = store.save('dental-weber', edited, 'anna');
    expect(r.ok).toBe(true);
    expect(fs.readFileSync(path.join(store.dir, 'dental-weber.yaml'), 'utf8')).toBe(edited);
    expect(fs.readdirSync(store.dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(store.history('dental-weber').map((v) => [v.version, v.author])).toEqual([
      [1, 'loaded from disk'],
      [2, 'anna'],
    ]);
    const diff = store.diff('dental-weber', 1, 2)!;
    expect(diff).toContain('-  code: DENTW');
    expect(diff).toContain('+  code: DENT2');
    expect(
      events.some((e) => e.type === 'profile' && e.id === 'dental-weber' && e.state === 'valid'),
    ).toBe(true);
  });

  it('refuses an invalid profile with its issues and leaves the file untouched', () => {
    const before = fs.readFileSync(path.join(store.dir, 'law-firm-mueller.yaml'), 'utf8');
    const r = store.save('law-firm-mueller', before.replace('type: domain', 'type: domian'), 'bob');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toMatchObject({
        line: expect.any(Number),
        message: expect.stringMatching(/type/),
      });
    expect(fs.readFileSync(path.join(store.dir, 'law-firm-mueller.yaml'), 'utf8')).toBe(before);
    expect(store.history('law-firm-mueller')).toHaveLength(1);
  });

  it('picks up edits made outside, reports a broken file and keeps the others', async () => {
    await store.start();
    const file = path.join(store.dir, 'windows-11-base.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('edition: Pro', 'edition: [Pro'));
    await until(() => store.result('windows-11-base')?.ok === false, 'the broken base');
    const issues = store.errors().get(file)!;
    expect(issues[0]).toMatchObject({ file, message: expect.stringMatching(/^YAML/) });
    // Its children fail with one pointer to the base; the Ubuntu profiles still load.
    expect(store.get('dental-weber')).toBeUndefined();
    expect(store.get('school-lab')).toBeDefined();
    expect(store.history('windows-11-base').at(-1)).toMatchObject({
      version: 2,
      author: 'edited outside the station',
    });
    expect(
      events.some((e) => e.type === 'profile' && e.id === 'dental-weber' && e.state === 'invalid'),
    ).toBe(true);
  });
});
