import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../../../main/agent/protocol.js';
import { AgentTokens } from '../../../../main/agent/tokens.js';
import { openDatabase, type Db } from '../../../../main/db/open.js';
import { createLogger } from '../../../../main/log/logger.js';
import { Assigner } from '../../../../main/machines/assigner.js';
import type { MachineEvent } from '../../../../main/machines/events.js';
import { MachineLifecycle } from '../../../../main/machines/lifecycle.js';
import { MachineRegistry } from '../../../../main/machines/registry.js';
import { MachineStore } from '../../../../main/machines/store.js';
import type { EntryKind, MachineView } from '../../../../main/machines/types.js';
import { ClientDirectory } from '../../../../main/net/clients.js';
import { profileSchema } from '../../../../main/profiles/schema.js';
import { acmeInput } from '../../../helpers/fixtures.js';

/**
 * The lifecycle's commands as a table: a machine brought to a state, one command, and what
 * comes out: the state it is in, the log entries appended (as the typed events carry them),
 * and whether a batch changed. Every bench adapter and UI route calls these commands.
 */
const MAC = '52:54:00:19:00:01';
const IP = '10.0.0.5';

interface Harness {
  lc: MachineLifecycle;
  assigner: Assigner;
  clients: ClientDirectory;
  tick: (ms: number) => void;
}

type Given = (h: Harness) => MachineView;
type When = (h: Harness, v: MachineView) => unknown;

const sighted: Given = ({ lc }) => lc.machineSighted({ mac: MAC, via: 'dhcp' });
const assigned: Given = (h) => h.lc.assign(sighted(h).id, 'acme', 'hand');
const booting: Given = (h) =>
  h.lc.installerHandedOut(assigned(h), { ip: IP, platform: 'efi', chain: 'ipxe' });
const installing: Given = (h) => h.lc.answerFileServed(booting(h), 'user-data', IP, 100);
const provisioning: Given = (h) => h.lc.agentSpoke(installing(h), IP);
const stalledInstalling: Given = (h) => {
  const v = installing(h);
  h.tick(60_000);
  h.lc.scanStalls(30_000);
  return h.lc.mustGet(v.id);
};

const started = (seq: number, stepId = 'inventory'): Report => ({
  type: 'step-started',
  seq,
  stepId,
  attempt: 1,
});

// [name, given, command, state after, entries appended in order, batch events]
const rows: [string, Given, When, MachineView['state'], EntryKind[], number][] = [
  [
    'a new MAC is discovered',
    () => ({}) as MachineView,
    ({ lc }) => lc.machineSighted({ mac: MAC, via: 'dhcp' }),
    'discovered',
    ['discovered'],
    0,
  ],
  [
    'a known MAC seen again adds nothing',
    sighted,
    ({ lc }) => lc.machineSighted({ mac: MAC, via: 'tftp' }),
    'discovered',
    [],
    0,
  ],
  [
    'a new MAC is claimed by the bench default',
    (h) => {
      h.assigner.setBenchDefault('acme');
      return {} as MachineView;
    },
    ({ lc }) => lc.machineSighted({ mac: MAC, via: 'dhcp' }),
    'assigned',
    ['discovered', 'assigned'],
    0,
  ],
  [
    'a next-N batch claims a new MAC and says so',
    (h) => {
      h.assigner.createBatch({ profile: 'acme', count: 2 });
      return {} as MachineView;
    },
    ({ lc }) => lc.machineSighted({ mac: MAC, via: 'http' }),
    'assigned',
    ['discovered', 'assigned'],
    1,
  ],
  [
    'the installer is handed out',
    assigned,
    ({ lc }, v) => lc.installerHandedOut(v, { ip: IP, chain: 'ipxe' }),
    'booting',
    ['booting'],
    0,
  ],
  [
    'the installer again from the same address adds nothing',
    booting,
    ({ lc }, v) => lc.installerHandedOut(v, { ip: IP, chain: 'ipxe' }),
    'booting',
    [],
    0,
  ],
  [
    'an installer that cannot start holds the machine',
    assigned,
    ({ lc }, v) => lc.installerHeld(v, { reason: 'No secret', fix: 'Add it' }),
    'failed',
    ['failed'],
    0,
  ],
  [
    'the same hold again is not logged twice',
    (h) => h.lc.installerHeld(assigned(h), { reason: 'No secret', fix: 'Add it' }),
    ({ lc }, v) => lc.installerHeld(v, { reason: 'No secret', fix: 'Add it' }),
    'failed',
    [],
    0,
  ],
  [
    'the answer file fetched while booting starts the OS install',
    booting,
    ({ lc }, v) => lc.answerFileServed(v, 'user-data', IP, 10),
    'installing-os',
    ['installing-os', 'answer-file'],
    0,
  ],
  [
    'a second answer file is only logged',
    installing,
    ({ lc }, v) => lc.answerFileServed(v, 'meta-data', IP, 10),
    'installing-os',
    ['answer-file'],
    0,
  ],
  [
    "the installer's progress while installing",
    installing,
    ({ lc }, v) => lc.installerProgress(v, { percent: 25, message: 'Copying' }),
    'installing-os',
    ['progress'],
    0,
  ],
  [
    "the installer's late progress moves nothing",
    provisioning,
    ({ lc }, v) => lc.installerProgress(v, { percent: 25, message: 'Copying' }),
    'provisioning',
    [],
    0,
  ],
  [
    'WinPE reporting from the booted machine means the OS install is under way',
    booting,
    ({ lc }, v) => lc.winpeProgress(v, { kind: 'winpe', phase: 'disk', status: 'started', ip: IP }),
    'installing-os',
    ['winpe'],
    0,
  ],
  [
    "the agent's first word (plan) moves the machine to provisioning",
    installing,
    ({ lc }, v) => lc.agentSpoke(v, IP),
    'provisioning',
    ['provisioning'],
    0,
  ],
  [
    'the agent straight after assignment (no network install) is provisioning too',
    assigned,
    ({ lc }, v) => lc.agentSpoke(v, IP),
    'provisioning',
    ['provisioning'],
    0,
  ],
  [
    'a later word adds nothing',
    provisioning,
    ({ lc }, v) => lc.agentSpoke(v, IP),
    'provisioning',
    [],
    0,
  ],
  [
    'a stalled install resumes, then the agent is provisioning',
    stalledInstalling,
    ({ lc }, v) => lc.agentSpoke(v, IP),
    'provisioning',
    ['resumed', 'provisioning'],
    0,
  ],
  [
    "the agent's first word is a report: provisioning, then the step",
    installing,
    ({ lc }, v) => lc.reportsArrived(v, [started(1)], IP),
    'provisioning',
    ['provisioning', 'step'],
    0,
  ],
  [
    'a report out of order is refused whole',
    provisioning,
    ({ lc }, v) => lc.reportsArrived(v, [started(2)], IP),
    'provisioning',
    [],
    0,
  ],
  [
    'a secret fetched is logged by name',
    provisioning,
    ({ lc }, v) => lc.secretFetched(v, 'admin-password', IP),
    'provisioning',
    ['secret-fetched'],
    0,
  ],
  [
    'reset starts a new deployment',
    provisioning,
    ({ lc }, v) => lc.reset(v.id, 'Ana'),
    'assigned',
    ['assigned'],
    0,
  ],
  [
    'marked done by the technician',
    provisioning,
    ({ lc }, v) => lc.markDone(v.id, 'Ana'),
    'done',
    ['done'],
    0,
  ],
  ['renamed', sighted, ({ lc }, v) => lc.rename(v.id, 'Desk 4'), 'discovered', ['identity'], 0],
];

describe('machine lifecycle commands', () => {
  let db: Db;
  let h: Harness;
  let events: MachineEvent[];
  let clock: number;

  beforeEach(() => {
    db = openDatabase(':memory:');
    events = [];
    clock = Date.parse('2026-12-03T10:00:00.000Z');
    const now = () => new Date(clock);
    const store = new MachineStore(db);
    const logger = createLogger({ level: 'silent' as never, stdout: false });
    const sink = (e: MachineEvent) => events.push(e);
    const registry = new MachineRegistry({
      store,
      events: sink,
      logger,
      now,
      tokens: new AgentTokens(Buffer.alloc(32, 9)),
    });
    const profiles = {
      get: (id: string) =>
        id === 'acme' ? { profile: profileSchema.parse(acmeInput), version: 'v1' } : null,
    };
    const assigner = new Assigner({
      registry,
      store,
      events: sink,
      logger,
      now,
      profiles: () => profiles,
    });
    const clients = new ClientDirectory();
    const lc = new MachineLifecycle({ registry, assigner, store, clients, logger, now });
    h = { lc, assigner, clients, tick: (ms) => (clock += ms) };
  });
  afterEach(() => db.close());

  it.each(rows)('%s', (_name, given, when, state, kinds, batches) => {
    const before = given(h);
    events = [];
    when(h, before);
    const machine = h.lc.byMac(MAC)!;
    expect(machine.state).toBe(state);
    const appended = events.flatMap((e) =>
      e.kind === 'machine-changed' ? e.entries.map((x) => x.data.kind) : [],
    );
    expect(appended).toEqual(kinds);
    expect(events.filter((e) => e.kind === 'batch-changed')).toHaveLength(batches);
  });

  it("learns the address an agent speaks from, as the agent's", () => {
    const v = installing(h);
    h.lc.agentSpoke(v, '10.0.0.77');
    expect(h.clients.macFor('10.0.0.77')).toBe(MAC);
    // Only DHCP binds an address for answer files and secrets; the agent does not.
    expect(h.clients.dhcpMacFor('10.0.0.77')).toBeNull();
  });

  it('a Secure Boot hint goes on the row of the machine with that MAC', () => {
    sighted(h);
    events = [];
    h.lc.bootHinted({ mac: MAC, reason: 'Secure Boot refused', fix: 'Use signed', loader: 'x' });
    const kinds = events.flatMap((e) =>
      e.kind === 'machine-changed' ? e.entries.map((x) => x.data.kind) : [],
    );
    expect(kinds).toEqual(['boot-hint']);
    expect(h.lc.byMac(MAC)!.bootHint).toEqual({
      reason: 'Secure Boot refused',
      fix: 'Use signed',
    });
  });

  it('a bench sighting without a usable MAC is logged, never thrown', () => {
    expect(() =>
      h.lc.benchSighting({ mac: 'not-a-mac', via: 'http', ip: '::ffff:10.0.0.9' }),
    ).not.toThrow();
  });

  it('the address of a bench sighting is kept without its IPv6 prefix', () => {
    h.lc.benchSighting({ mac: MAC, via: 'http', ip: '::ffff:10.0.0.9' });
    expect(h.lc.byMac(MAC)!.ip).toBe('10.0.0.9');
  });

  it('forgets a machine that is not deploying, and refuses one that is', () => {
    const idle = sighted(h);
    expect(h.lc.forget([idle.id])).toEqual([idle.id]);
    expect(h.lc.get(idle.id)).toBeUndefined();
    const busy = booting(h);
    expect(() => h.lc.forget([busy.id])).toThrow(/reset it before forgetting/);
  });
});
