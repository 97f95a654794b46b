import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  BatchSummary,
  MachineLogEntry,
  MachineStep,
  MachineSummary,
  ServiceStatus,
  StationEvent,
} from '../../../../main/api/contract.js';
import type { MediaImportStatus, MediaRecord } from '../../../../main/media/types.js';
import { useStore, type Store } from '../../../../renderer/src/store/index.js';
import { BOOT_LOG_LIMIT } from '../../../../renderer/src/store/boot-log.js';
import { LOG_TAIL_LIMIT } from '../../../../renderer/src/store/machine-detail.js';

/**
 * Each slice's applier, event kind by event kind: the state before, one batch from the
 * stream through `applyEvents` (the one way the stream reaches the store), the state after.
 * The appliers read only the fields named here, so the rows carry only those.
 */

let n = 0;
const base = () => ({ seq: ++n, at: '2026-12-03T10:00:00.000Z' });
const machine = (id: string, state: MachineSummary['state'] = 'discovered'): MachineSummary =>
  ({ id, state }) as MachineSummary;
const step = (id: string, status: MachineStep['status'], logTail: string[] = []): MachineStep =>
  ({ id, status, logTail }) as MachineStep;
const entry = (id: number, machineId: string, kind: string): MachineLogEntry => ({
  id,
  machineId,
  at: '2026-12-03T10:00:00.000Z',
  deployment: 1,
  kind,
  data: {},
});
const service = (name: string, state: ServiceStatus['state']): ServiceStatus =>
  ({ name, state }) as ServiceStatus;
const medium = (id: string): MediaRecord => ({ id }) as MediaRecord;
const importOf = (importId: string, state: MediaImportStatus['state']): MediaImportStatus =>
  ({ importId, state }) as MediaImportStatus;
const batchOf = (id: string): BatchSummary => ({ id }) as BatchSummary;

const ev = {
  service: (s: ServiceStatus): StationEvent => ({ ...base(), type: 'service', service: s }),
  machine: (m: MachineSummary): StationEvent => ({ ...base(), type: 'machine', machine: m }),
  batch: (b: BatchSummary): StationEvent => ({ ...base(), type: 'batch', batch: b }),
  step: (machineId: string, s: MachineStep): StationEvent => ({
    ...base(),
    type: 'machine-step',
    machineId,
    step: s,
  }),
  log: (machineId: string, stepId: string | null, lines: string[]): StationEvent => ({
    ...base(),
    type: 'machine-log',
    machineId,
    stepId,
    lines,
  }),
  timeline: (e: MachineLogEntry): StationEvent => ({
    ...base(),
    type: 'machine-timeline',
    entry: e,
  }),
  boot: (mac: string): StationEvent => ({
    ...base(),
    type: 'boot',
    protocol: 'dhcp',
    mac,
    client: '10.0.0.9',
    summary: 'DISCOVER',
  }),
  media: (id: string, m: MediaRecord | null): StationEvent => ({
    ...base(),
    type: 'media',
    id,
    state: m ? 'imported' : 'deleted',
    media: m,
  }),
  mediaImport: (s: MediaImportStatus): StationEvent => ({
    ...base(),
    type: 'media-import',
    import: s,
  }),
};

const open = (steps: MachineStep[], timeline: MachineLogEntry[] = []) => ({
  openMachine: { id: 'm1', steps, inventory: null, timeline },
});

const initial = useStore.getState();
const loaders = () => ({
  loadProfiles: vi.fn(async () => {}),
  loadReadiness: vi.fn(async () => {}),
  loadEstimates: vi.fn(async () => {}),
});
let loads = loaders();
// The reloading appliers keep one pending timer per slice between batches (module state):
// fake timers, flushed after every test, so no test inherits another's wait.
beforeEach(() => {
  vi.useFakeTimers();
  loads = loaders();
  useStore.setState({ ...initial, ...loads }, true);
});
afterEach(() => {
  vi.runAllTimers();
  vi.useRealTimers();
});

type Row = [
  name: string,
  before: Partial<Store>,
  batch: StationEvent[],
  read: (s: Store) => unknown,
  after: unknown,
];

const rows: Row[] = [
  // services
  [
    'service: a status by name',
    {},
    [ev.service(service('dhcp', 'running'))],
    (s) => s.services,
    { dhcp: service('dhcp', 'running') },
  ],
  [
    'service: the later event of a batch wins',
    { services: { tftp: service('tftp', 'running') } },
    [ev.service(service('dhcp', 'starting')), ev.service(service('dhcp', 'failed'))],
    (s) => s.services,
    { tftp: service('tftp', 'running'), dhcp: service('dhcp', 'failed') },
  ],
  // machines and batches
  [
    'machine: a new row, an existing one replaced',
    { machines: { a: machine('a') } },
    [ev.machine(machine('a', 'assigned')), ev.machine(machine('b'))],
    (s) => s.machines,
    { a: machine('a', 'assigned'), b: machine('b') },
  ],
  [
    'machine: the rows’ change time moves (the Bench sorts with it)',
    { machinesAt: 1 },
    [ev.machine(machine('a'))],
    (s) => s.machinesAt > 1,
    true,
  ],
  [
    'batch: the rows’ change time stays',
    { machinesAt: 1 },
    [ev.batch(batchOf('b1'))],
    (s) => s.machinesAt,
    1,
  ],
  ['batch: by id', {}, [ev.batch(batchOf('b1'))], (s) => s.batches, { b1: batchOf('b1') }],
  // the open machine's detail
  [
    'machine-step: replaces the open machine’s step',
    open([step('s1', 'pending'), step('s2', 'pending')]),
    [ev.step('m1', step('s1', 'running'))],
    (s) => s.openMachine?.steps,
    [step('s1', 'running'), step('s2', 'pending')],
  ],
  [
    'machine-step: a step not listed yet is added',
    open([step('s1', 'succeeded')]),
    [ev.step('m1', step('s2', 'running'))],
    (s) => s.openMachine?.steps.map((x) => x.id),
    ['s1', 's2'],
  ],
  [
    'machine-step: another machine’s step is not shown',
    open([step('s1', 'pending')]),
    [ev.step('m2', step('s1', 'failed'))],
    (s) => s.openMachine?.steps,
    [step('s1', 'pending')],
  ],
  [
    'machine-step: nothing open, nothing kept',
    {},
    [ev.step('m1', step('s1', 'running'))],
    (s) => s.openMachine,
    null,
  ],
  [
    'machine-log: lines go to their step’s tail',
    open([step('s1', 'running', ['a'])]),
    [ev.log('m1', 's1', ['b', 'c']), ev.log('m1', 's1', ['d'])],
    (s) => s.openMachine?.steps[0]?.logTail,
    ['a', 'b', 'c', 'd'],
  ],
  [
    'machine-log: the tail keeps the newest LOG_TAIL_LIMIT lines',
    open([step('s1', 'running')]),
    [
      ev.log(
        'm1',
        's1',
        Array.from({ length: LOG_TAIL_LIMIT + 5 }, (_, i) => `l${i}`),
      ),
    ],
    (s) => {
      const t = s.openMachine?.steps[0]?.logTail ?? [];
      return [t.length, t[0], t.at(-1)];
    },
    [LOG_TAIL_LIMIT, 'l5', `l${LOG_TAIL_LIMIT + 4}`],
  ],
  [
    'machine-log: lines outside any step, or of an unknown step, are not a step’s',
    open([step('s1', 'running')]),
    [ev.log('m1', null, ['x']), ev.log('m1', 's9', ['y'])],
    (s) => s.openMachine?.steps[0]?.logTail,
    [],
  ],
  [
    'machine-timeline: a milestone is appended',
    open([], [entry(1, 'm1', 'assigned')]),
    [ev.timeline(entry(2, 'm1', 'step')), ev.timeline(entry(3, 'm1', 'failed'))],
    (s) => s.openMachine?.timeline.map((e) => e.id),
    [1, 2, 3],
  ],
  [
    'machine-timeline: progress, log and resent reports stay out of the timeline',
    open([], [entry(1, 'm1', 'assigned')]),
    [
      ev.timeline(entry(2, 'm1', 'progress')),
      ev.timeline(entry(3, 'm1', 'log')),
      ev.timeline(entry(4, 'm1', 'duplicate')),
    ],
    (s) => s.openMachine?.timeline.map((e) => e.id),
    [1],
  ],
  [
    'machine-timeline: another machine’s entry is not shown',
    open([], []),
    [ev.timeline(entry(5, 'm2', 'failed'))],
    (s) => s.openMachine?.timeline,
    [],
  ],
  // boot log
  [
    'boot: lines appended, oldest first',
    {},
    [ev.boot('aa'), ev.boot('bb')],
    (s) => s.bootLog.map((e) => e.mac),
    ['aa', 'bb'],
  ],
  [
    'boot: the oldest fall off past BOOT_LOG_LIMIT',
    {},
    Array.from({ length: BOOT_LOG_LIMIT + 3 }, (_, i) => ev.boot(`m${i}`)),
    (s) => [s.bootLog.length, s.bootLog[0]?.mac],
    [BOOT_LOG_LIMIT, 'm3'],
  ],
  // media
  [
    'media-import: progress by import id',
    {},
    [ev.mediaImport(importOf('i1', 'running')), ev.mediaImport(importOf('i1', 'done'))],
    (s) => s.mediaImports,
    { i1: importOf('i1', 'done') },
  ],
  [
    'media: an imported medium joins the list, sorted by id',
    { media: [medium('b')] },
    [ev.media('a', medium('a'))],
    (s) => s.media?.map((m) => m.id),
    ['a', 'b'],
  ],
  [
    'media: a deleted medium leaves it',
    { media: [medium('a'), medium('b')] },
    [ev.media('a', null)],
    (s) => s.media?.map((m) => m.id),
    ['b'],
  ],
  [
    'media: before the list is loaded, nothing is made up',
    { media: null },
    [ev.media('a', medium('a'))],
    (s) => s.media,
    null,
  ],
];

describe('store appliers', () => {
  it.each(rows)('%s', (_name, before, batch, read, after) => {
    useStore.setState(before);
    useStore.getState().applyEvents(batch);
    expect(read(useStore.getState())).toEqual(after);
  });

  it('a batch is one store update, whatever slices it touches', () => {
    useStore.setState({ ...open([step('s1', 'pending')]), media: [] });
    const seen = vi.fn();
    const stop = useStore.subscribe(seen);
    useStore
      .getState()
      .applyEvents([
        ev.service(service('dhcp', 'running')),
        ev.machine(machine('m1', 'provisioning')),
        ev.step('m1', step('s1', 'running')),
        ev.boot('aa'),
        ev.mediaImport(importOf('i1', 'running')),
      ]);
    stop();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('a batch no slice takes changes nothing and notifies nobody', () => {
    const before = useStore.getState();
    const seen = vi.fn();
    const stop = useStore.subscribe(seen);
    // Nothing open, media not loaded: these have no state to go to.
    useStore
      .getState()
      .applyEvents([ev.step('m1', step('s1', 'running')), ev.media('a', medium('a'))]);
    stop();
    expect(seen).not.toHaveBeenCalled();
    expect(useStore.getState()).toBe(before);
  });
});

/** Appliers that reload from the station instead: once per burst, after a short wait. */
describe('store appliers that reload', () => {
  const profileEvent = (): StationEvent => ({
    ...base(),
    type: 'profile',
    id: 'acme',
    state: 'valid',
    hash: null,
    issues: 0,
  });
  const appEvent = (): StationEvent =>
    ({ ...base(), type: 'app-package', app: {} }) as StationEvent;
  const stepEvent = (status: MachineStep['status']): StationEvent =>
    ev.step('m1', step('s1', status));

  // [name, batches (one applyEvents each), wait in ms, loads expected (profiles, readiness, estimates)]
  const reloads: [string, StationEvent[][], number, [number, number, number]][] = [
    [
      'profile: profiles and readiness reload once',
      [[profileEvent(), profileEvent()]],
      200,
      [1, 1, 0],
    ],
    [
      'profile: a burst over batches is one reload',
      [[profileEvent()], [profileEvent()]],
      200,
      [1, 1, 0],
    ],
    ['profile: not before the wait', [[profileEvent()]], 150, [0, 0, 0]],
    ['app-package: readiness only', [[appEvent()]], 200, [0, 1, 0]],
    ['a step succeeded: the estimates, after 5 s', [[stepEvent('succeeded')]], 5000, [0, 0, 1]],
    ['a step failed: the estimates too', [[stepEvent('failed')]], 5000, [0, 0, 1]],
    [
      'steps ending in a burst: one estimates reload',
      [[stepEvent('succeeded')], [stepEvent('failed')]],
      5000,
      [0, 0, 1],
    ],
    ['a step only running: nothing to reload', [[stepEvent('running')]], 5000, [0, 0, 0]],
  ];
  it.each(reloads)('%s', (_name, batches, wait, [profiles, readiness, estimates]) => {
    for (const b of batches) useStore.getState().applyEvents(b);
    vi.advanceTimersByTime(wait);
    expect([
      loads.loadProfiles.mock.calls.length,
      loads.loadReadiness.mock.calls.length,
      loads.loadEstimates.mock.calls.length,
    ]).toEqual([profiles, readiness, estimates]);
  });
});
