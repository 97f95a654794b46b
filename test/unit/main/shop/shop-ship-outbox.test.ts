import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { Outbox, stationIdentity } from '../../../../main/shop/outbox.js';

/** The SQLite side of shipping (migration 60): no PostgreSQL needed. */

let db: Db;
afterEach(() => db?.close());

function addEvent(d: Db, machine: string, kind = 'heard'): number {
  d.prepare('INSERT OR IGNORE INTO machines (id, created_at) VALUES (?, ?)').run(machine, 'x');
  return Number(
    d
      .prepare(
        "INSERT INTO machine_events (machine_id, at, deployment, kind, seq, data) VALUES (?, '2026-12-03T10:00:00Z', 1, ?, NULL, '{}')",
      )
      .run(machine, kind).lastInsertRowid,
  );
}

describe('shop outbox (SQLite migration 60)', () => {
  it('stays empty while shipping was never turned on: a station without --database does not grow it', () => {
    db = openDatabase(':memory:');
    const box = new Outbox(db);
    for (let i = 0; i < 20; i++) addEvent(db, `m${i % 3}`);
    expect(box.enabled()).toBe(false);
    expect(box.backlog()).toBe(0);
  });

  it('turning it on queues the whole history once, then every new event by trigger, in seq order', () => {
    db = openDatabase(':memory:');
    const box = new Outbox(db);
    for (let i = 0; i < 5; i++) addEvent(db, 'm1');
    expect(box.enable(new Date())).toBe(true);
    expect(box.enable(new Date())).toBe(false); // once
    expect(box.backlog()).toBe(5);
    addEvent(db, 'm2', 'discovered');
    const chunk = box.chunk(100);
    expect(chunk.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(chunk.at(-1)).toMatchObject({ machineId: 'm2', kind: 'discovered', deployment: 1 });
    expect(box.chunk(4).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    box.shipped(4);
    expect(box.chunk(100).map((e) => e.seq)).toEqual([5, 6]);
  });

  it('an event and its outbox row commit together: a rolled-back event leaves no row and no hole', () => {
    db = openDatabase(':memory:');
    const box = new Outbox(db);
    box.enable(new Date());
    addEvent(db, 'm1');
    expect(() =>
      db.transaction(() => {
        addEvent(db, 'm1');
        throw new Error('the request failed after the insert');
      })(),
    ).toThrow();
    addEvent(db, 'm1');
    // seq 2 was given back: the next event is 2, so the shop sees no gap.
    expect(box.chunk(100).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('refills seqs from the append-only event log and says how many exist', () => {
    db = openDatabase(':memory:');
    const box = new Outbox(db);
    box.enable(new Date());
    for (let i = 0; i < 6; i++) addEvent(db, 'm1');
    box.shipped(6);
    expect(box.backlog()).toBe(0);
    expect(box.refill(3, 5)).toBe(3);
    expect(box.chunk(100).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(box.refill(6, 9)).toBe(1); // 7..9 never existed
  });

  it('keeps one station id for the life of the database', () => {
    db = openDatabase(':memory:');
    const a = stationIdentity(db, new Date(), 'Bench 1');
    const b = stationIdentity(db, new Date());
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(b.id).toBe(a.id);
    expect(a.name).toBe('Bench 1');
    expect(b.name.length).toBeGreaterThan(0); // the host name
  });
});
