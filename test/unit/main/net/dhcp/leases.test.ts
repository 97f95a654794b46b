import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../../main/db/open.js';
import { LeaseStore } from '../../../../../main/net/dhcp/leases.js';
import { parseRange } from '../../../../../main/net/dhcp/pool.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const pool = parseRange('10.33.0.10-10.33.0.19');
const T0 = Date.UTC(2026, 0, 1);

describe('LeaseStore', () => {
  it('keeps bound leases, reservations and declines across a restart; offers are forgotten', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps3-leases-'));
    dirs.push(dir);
    const file = path.join(dir, 'station.db');
    const db1 = openDatabase(file);
    const s1 = new LeaseStore(db1, pool);
    s1.apply(
      [
        {
          kind: 'bind',
          mac: 'aa:00:00:00:00:01',
          ip: '10.33.0.10',
          expiresAt: T0 + 3600_000,
          hostname: 'pc1',
        },
        { kind: 'offer', mac: 'aa:00:00:00:00:02', ip: '10.33.0.11', expiresAt: T0 + 60_000 },
        { kind: 'decline', mac: 'aa:00:00:00:00:03', ip: '10.33.0.12', until: T0 + 600_000 },
      ],
      T0,
    );
    s1.reserve({ mac: 'aa:00:00:00:00:04', ip: '10.33.0.13', hostname: null }, T0);
    s1.flush(); // as the server does at stop
    db1.close();

    const s2 = new LeaseStore(openDatabase(file), pool);
    expect(s2.leaseOf('aa:00:00:00:00:01')).toEqual({
      mac: 'aa:00:00:00:00:01',
      ip: '10.33.0.10',
      state: 'bound',
      expiresAt: T0 + 3600_000,
    });
    expect(s2.leaseOf('aa:00:00:00:00:02')).toBeNull();
    expect(s2.holderOf('10.33.0.12', T0)).toBe('declined');
    expect(s2.holderOf('10.33.0.12', T0 + 600_001)).toBeNull();
    expect(s2.reservationOf('aa:00:00:00:00:04')).toBe('10.33.0.13');
    expect(s2.nextFree(T0)).toBe('10.33.0.11');
  });

  it('moves an address from an expired lease to a new client', () => {
    const db = openDatabase(':memory:');
    const s = new LeaseStore(db, pool);
    s.apply([{ kind: 'bind', mac: 'aa:01', ip: '10.33.0.10', expiresAt: T0 }], T0);
    s.apply([{ kind: 'bind', mac: 'aa:02', ip: '10.33.0.10', expiresAt: T0 + 1000 }], T0 + 1);
    s.flush();
    expect(s.leaseOf('aa:01')).toBeNull();
    expect(db.prepare('SELECT mac FROM dhcp_leases').all()).toEqual([{ mac: 'aa:02' }]);
  });

  it('an offer does not shorten a bound lease on the same address', () => {
    const s = new LeaseStore(openDatabase(':memory:'), pool);
    s.apply([{ kind: 'bind', mac: 'aa:01', ip: '10.33.0.10', expiresAt: T0 + 3600_000 }], T0);
    s.apply([{ kind: 'offer', mac: 'aa:01', ip: '10.33.0.10', expiresAt: T0 + 60_000 }], T0);
    expect(s.leaseOf('aa:01')!.state).toBe('bound');
    s.apply([{ kind: 'release', mac: 'aa:01', onlyOffer: true }], T0);
    expect(s.leaseOf('aa:01')).not.toBeNull();
  });

  it('batches writes and keeps their order: bind, release, bind again', async () => {
    const db = openDatabase(':memory:');
    const s = new LeaseStore(db, pool);
    s.apply([{ kind: 'bind', mac: 'aa:01', ip: '10.33.0.10', expiresAt: T0 + 1000 }], T0);
    expect(db.prepare('SELECT count(*) AS n FROM dhcp_leases').get()).toEqual({ n: 0 });
    s.apply([{ kind: 'release', mac: 'aa:01' }], T0);
    s.apply([{ kind: 'bind', mac: 'aa:02', ip: '10.33.0.10', expiresAt: T0 + 1000 }], T0);
    await new Promise((r) => setTimeout(r, 60)); // the timer flushes by itself
    expect(db.prepare('SELECT mac, ip FROM dhcp_leases').all()).toEqual([
      { mac: 'aa:02', ip: '10.33.0.10' },
    ]);
  });

  it('excluded addresses are never free', () => {
    const s = new LeaseStore(
      openDatabase(':memory:'),
      parseRange('10.33.0.1-10.33.0.2'),
      new Set(['10.33.0.1']),
    );
    expect(s.nextFree(T0)).toBe('10.33.0.2');
    s.apply([{ kind: 'offer', mac: 'aa:01', ip: '10.33.0.2', expiresAt: T0 + 1 }], T0);
    expect(s.nextFree(T0)).toBeNull();
  });
});
