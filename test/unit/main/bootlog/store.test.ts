import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BootLogEvent } from '../../../../main/api/contract.js';
import { BootLogStore } from '../../../../main/bootlog/store.js';
import { openDatabase } from '../../../../main/db/open.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bootlog-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ev = (i: number, mac: string | null, protocol: BootLogEvent['protocol']): BootLogEvent => ({
  type: 'boot',
  seq: i,
  at: new Date(Date.UTC(2026, 0, 1, 10, 0, i)).toISOString(),
  protocol,
  mac,
  client: `192.168.50.${i % 250}`,
  summary: `request ${i}`,
});

describe('BootLogStore', () => {
  const store = new BootLogStore(openDatabase(path.join(dir, 'db.sqlite')));
  const macs = ['52:54:00:aa:00:01', '52:54:00:aa:00:02', null];
  store.append(
    Array.from({ length: 30 }, (_, i) => ev(i + 1, macs[i % 3]!, i % 2 ? 'tftp' : 'dhcp')),
  );

  it('finds a MAC however it is typed, newest first, and pages back', () => {
    const first = store.query({ mac: '5254-00AA-0002', limit: 4 });
    expect(first.events.map((e) => e.summary)).toEqual([
      'request 29',
      'request 26',
      'request 23',
      'request 20',
    ]);
    expect(first.before).not.toBeNull();
    const next = store.query({ mac: 'aa:00:02', limit: 4, before: first.before! });
    expect(next.events[0]!.summary).toBe('request 17');
    const all = store.query({ mac: '00aa0002', limit: 100 });
    expect(all.events).toHaveLength(10);
    expect(all.before).toBeNull();
  });

  it('filters by protocol and client address, and keeps only the newest rows', () => {
    expect(store.query({ protocol: 'tftp', limit: 100 }).events).toHaveLength(15);
    expect(store.query({ client: '192.168.50.1', limit: 100 }).events.map((e) => e.client)).toEqual(
      expect.arrayContaining(['192.168.50.1', '192.168.50.10']),
    );
    store.pruneOld(5);
    expect(store.query({ limit: 100 }).events.map((e) => e.summary)).toEqual(
      [30, 29, 28, 27, 26].map((i) => `request ${i}`),
    );
  });
});
