import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AssignmentRule, StationEvent } from '../../../../main/api/contract.js';
import { AgentTokens } from '../../../../main/agent/tokens.js';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { EventBus } from '../../../../main/events/bus.js';
import { createLogger } from '../../../../main/log/logger.js';
import { Assigner } from '../../../../main/machines/assigner.js';
import { chooseAssignment, type OpenBatch } from '../../../../main/machines/assignment.js';
import { machineEventsToBus } from '../../../../main/machines/events.js';
import { MachineLifecycle } from '../../../../main/machines/lifecycle.js';
import { MachineRegistry } from '../../../../main/machines/registry.js';
import { MachineStore } from '../../../../main/machines/store.js';
import { ClientDirectory } from '../../../../main/net/clients.js';
import { profileSchema } from '../../../../main/profiles/schema.js';
import { acmeInput } from '../../../helpers/fixtures.js';

const rule = (
  field: AssignmentRule['field'],
  pattern: string,
  profile: string,
): AssignmentRule => ({
  id: `r-${field}`,
  field,
  pattern,
  profile,
  createdAt: '2026-11-26T10:00:00.000Z',
});

describe('chooseAssignment', () => {
  const m = { macs: ['52:54:00:00:00:01'], vendor: 'Dell Inc.', model: 'OptiPlex 7010' };
  const countBatch: OpenBatch = { id: 'b1', profile: 'count', count: 3, macs: null, filled: 1 };
  const fullBatch: OpenBatch = { id: 'b0', profile: 'full', count: 2, macs: null, filled: 2 };
  const macBatch: OpenBatch = {
    id: 'b2',
    profile: 'maclist',
    count: null,
    macs: ['52:54:00:00:00:01'],
    filled: 0,
  };
  // [name, batches, rules, bench default, expected profile or null]
  const rows: [string, OpenBatch[], AssignmentRule[], string | null, string | null][] = [
    ['nothing applies', [], [], null, null],
    ['bench default', [], [], 'dflt', 'dflt'],
    ['a next-N batch with room beats the default', [countBatch], [], 'dflt', 'count'],
    ['a full batch is skipped', [fullBatch], [], 'dflt', 'dflt'],
    ['a rule beats a next-N batch', [countBatch], [rule('vendor', 'dell', 'dell')], null, 'dell'],
    [
      'a MAC-list batch beats a rule',
      [countBatch, macBatch],
      [rule('model', 'optiplex', 'opti')],
      null,
      'maclist',
    ],
    ['model rule, case-insensitive', [], [rule('model', 'OPTIPLEX', 'opti')], null, 'opti'],
    [
      'MAC rule with several MACs',
      [],
      [rule('mac', 'aa:bb:cc:dd:ee:ff, 52-54-00-00-00-01', 'bymac')],
      null,
      'bymac',
    ],
    ['non-matching rule', [], [rule('vendor', 'lenovo', 'len')], 'dflt', 'dflt'],
  ];
  it.each(rows)('%s', (_n, batches, rules, dflt, expected) => {
    expect(chooseAssignment(m, batches, rules, dflt)?.profile ?? null).toBe(expected);
  });
});

describe('registry and assigner', () => {
  let db: Db;
  let bus: EventBus;
  let registry: MachineRegistry;
  let assigner: Assigner;
  let lifecycle: MachineLifecycle;
  let events: StationEvent[];
  let clock = Date.parse('2026-11-26T10:00:00.000Z');

  const profiles = {
    get: (id: string) =>
      id === 'acme' || id === 'other'
        ? { profile: profileSchema.parse({ ...acmeInput, id }), version: `v-${id}` }
        : null,
  };

  function build(): void {
    const store = new MachineStore(db);
    const tokens = new AgentTokens(Buffer.alloc(32, 7));
    const logger = createLogger({ level: 'silent' as never, stdout: false });
    const events = machineEventsToBus(bus);
    const now = () => new Date(clock);
    registry = new MachineRegistry({ store, events, logger, now, tokens });
    assigner = new Assigner({ registry, store, events, logger, now, profiles: () => profiles });
    lifecycle = new MachineLifecycle({
      registry,
      assigner,
      store,
      clients: new ClientDirectory(),
      logger,
      now,
    });
    registry.load();
  }

  beforeEach(() => {
    db = openDatabase(':memory:');
    bus = new EventBus();
    events = [];
    bus.on((e) => events.push(e));
    build();
  });
  afterEach(() => {
    bus.close();
    db.close();
  });

  const mac = (n: number) => `52:54:00:00:01:${n.toString(16).padStart(2, '0')}`;

  it('knows a machine again by MAC, UUID or serial, and collects its MACs', () => {
    const a = lifecycle.machineSighted({
      mac: mac(1),
      uuid: '4c4c4544-0032-3510-8036-b4c04f4e3732',
      via: 'dhcp',
    });
    // Same UUID, second NIC: the same machine.
    const b = lifecycle.machineSighted({
      mac: mac(2),
      uuid: '4C4C4544-0032-3510-8036-B4C04F4E3732',
      via: 'dhcp',
    });
    expect(b.id).toBe(a.id);
    expect(b.macs).toEqual([mac(1), mac(2)]);
    const c = lifecycle.machineSighted({ mac: mac(3), serial: 'CZC1234XYZ', via: 'http' });
    const d = lifecycle.machineSighted({ mac: null, serial: 'CZC1234XYZ', via: 'http' });
    expect(d.id).toBe(c.id);
    expect(registry.list()).toHaveLength(2);
  });

  it('never merges machines on placeholder UUIDs or serials', () => {
    const a = lifecycle.machineSighted({
      mac: mac(1),
      uuid: '03000200-0400-0500-0006-000700080009',
      serial: 'To be filled by O.E.M.',
      via: 'dhcp',
    });
    const b = lifecycle.machineSighted({
      mac: mac(2),
      uuid: '03000200-0400-0500-0006-000700080009',
      serial: 'To be filled by O.E.M.',
      via: 'dhcp',
    });
    expect(a.id).not.toBe(b.id);
    expect(a.uuid).toBeNull();
  });

  it('fills a "next N" batch as machines arrive, then stops', () => {
    const batch = assigner.createBatch({ profile: 'acme', count: 2 });
    const early = lifecycle.machineSighted({ mac: mac(1), via: 'dhcp' });
    expect(early.state).toBe('assigned');
    expect(early.batch).toBe(batch.id);
    lifecycle.machineSighted({ mac: mac(2), via: 'dhcp' });
    const third = lifecycle.machineSighted({ mac: mac(3), via: 'dhcp' });
    expect(third.state).toBe('discovered');
    const b = assigner.batch(batch.id)!;
    expect(b).toMatchObject({ filled: 2, open: false });
    // The batch event says so, for the dashboard.
    const last = events.filter((e) => e.type === 'batch').at(-1);
    expect(last).toMatchObject({ batch: { filled: 2, open: false } });
    // A machine seen again never takes a second seat.
    lifecycle.machineSighted({ mac: mac(1), via: 'tftp' });
    expect(assigner.batch(batch.id)!.filled).toBe(2);
  });

  it('assigns a MAC-list batch to known and future machines, and nobody else', () => {
    const known = lifecycle.machineSighted({ mac: mac(1), via: 'dhcp' });
    const b = assigner.createBatch({ profile: 'other', macs: [mac(1), mac(5)] });
    expect(registry.get(known.id)!.profile).toBe('other');
    expect(lifecycle.machineSighted({ mac: mac(4), via: 'dhcp' }).state).toBe('discovered');
    expect(lifecycle.machineSighted({ mac: mac(5), via: 'dhcp' }).profile).toBe('other');
    expect(assigner.batch(b.id)).toMatchObject({ filled: 2, open: false });
  });

  it('applies rules, then the bench default', () => {
    assigner.addRule({ field: 'vendor', pattern: 'lenovo', profile: 'other' });
    assigner.setBenchDefault('acme');
    expect(lifecycle.machineSighted({ mac: mac(1), vendor: 'LENOVO', via: 'http' }).profile).toBe(
      'other',
    );
    expect(lifecycle.machineSighted({ mac: mac(2), vendor: 'HP', via: 'http' }).profile).toBe(
      'acme',
    );
    assigner.setBenchDefault(null);
    expect(lifecycle.machineSighted({ mac: mac(3), via: 'http' }).state).toBe('discovered');
  });

  it('refuses unknown profiles and illegal moves, and logs nothing for them', () => {
    const m = lifecycle.machineSighted({ mac: mac(1), via: 'dhcp' });
    expect(() => assigner.assign(m.id, 'nope', 'hand')).toThrow(/No profile/);
    expect(() => registry.append(m.id, [{ kind: 'done', by: 'agent' }])).toThrow(
      /cannot go from discovered to done/,
    );
    expect(() => assigner.retryStep(m.id, 'inventory')).toThrow();
    const count = db.prepare('SELECT count(*) AS n FROM machine_events').get() as { n: number };
    expect(count.n).toBe(1);
  });

  it('rebuilds the same machines from the log after a restart', () => {
    assigner.createBatch({ profile: 'acme', count: 5 });
    const a = lifecycle.machineSighted({ mac: mac(1), via: 'dhcp' });
    registry.append(a.id, [{ kind: 'booting', ip: '10.0.0.5' }]);
    const before = registry.summaries();
    build();
    expect(registry.summaries()).toEqual(before);
    expect(assigner.batches()[0]!.filled).toBe(1);
  });

  it('marks silent active machines stalled, and brings them back on their next word', () => {
    const a = lifecycle.machineSighted({ mac: mac(1), via: 'dhcp' });
    assigner.assign(a.id, 'acme', 'hand');
    registry.append(a.id, [{ kind: 'booting', ip: '10.0.0.5' }]);
    clock += 10 * 60_000;
    expect(registry.scanStalls(20 * 60_000)).toEqual([]);
    clock += 11 * 60_000;
    expect(registry.scanStalls(20 * 60_000)).toEqual([a.id]);
    expect(registry.get(a.id)!.state).toBe('stalled');
    expect(lifecycle.machineSighted({ mac: mac(1), via: 'http' }).state).toBe('booting');
  });

  it('keeps the event log append-only in the database itself', () => {
    lifecycle.machineSighted({ mac: mac(1), via: 'dhcp' });
    expect(() => db.prepare('DELETE FROM machine_events').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE machine_events SET kind = 'x'").run()).toThrow(/append-only/);
  });
});
