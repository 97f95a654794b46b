import { describe, expect, it } from 'vitest';
import type { MachineState } from '../../../../main/api/contract.js';
import { buildPlanSteps } from '../../../../main/agent/plan.js';
import {
  TRANSITIONS,
  applyEntry,
  canTransition,
  newView,
  normalizeMac,
  planSettled,
} from '../../../../main/machines/state.js';
import { summarize } from '../../../../main/machines/summary.js';
import type { EntryData, MachineView } from '../../../../main/machines/types.js';
import { acme } from '../../../helpers/fixtures.js';

const AT = '2026-11-26T10:00:00.000Z';

function run(datas: EntryData[], from: MachineView = newView('m1', AT)): MachineView {
  let v = from;
  for (const d of datas) {
    const deployment = d.kind === 'assigned' ? v.deployment + 1 : v.deployment;
    v = applyEntry(v, { id: 0, machineId: v.id, at: AT, deployment, data: d });
  }
  return v;
}

const assigned: EntryData = {
  kind: 'assigned',
  profile: 'acme',
  profileVersion: 'abc',
  profileName: 'Acme',
  customer: 'Acme',
  batch: null,
  by: 'hand',
  steps: buildPlanSteps(acme),
};
const discovered: EntryData = { kind: 'discovered', mac: '52:54:00:AA:BB:CC', via: 'dhcp' };
const step = (
  stepId: string,
  status: 'started' | 'succeeded' | 'failed' | 'skipped',
  extra: Partial<Extract<EntryData, { kind: 'step' }>> = {},
): EntryData => ({ kind: 'step', seq: 1, stepId, attempt: 1, status, ...extra });

describe('transition table', () => {
  const all = Object.keys(TRANSITIONS) as MachineState[];
  // [from, to, allowed]
  const rows: [MachineState, MachineState, boolean][] = [
    ['discovered', 'assigned', true],
    ['discovered', 'booting', false],
    ['discovered', 'done', false],
    ['discovered', 'stalled', false],
    ['assigned', 'booting', true],
    ['assigned', 'stalled', false],
    ['booting', 'installing-os', true],
    ['booting', 'verifying', false],
    ['installing-os', 'provisioning', true],
    ['installing-os', 'booting', false],
    ['provisioning', 'verifying', true],
    ['provisioning', 'installing-os', false],
    ['verifying', 'done', true],
    ['verifying', 'provisioning', true],
    ['done', 'provisioning', false],
    ['done', 'failed', false],
    ['done', 'stalled', false],
    ['done', 'assigned', true],
    ['failed', 'provisioning', true],
    ['failed', 'stalled', false],
    ['stalled', 'provisioning', true],
    ['stalled', 'discovered', false],
  ];
  it.each(rows)('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });
  it('lets every state stay where it is, and none go back to discovered', () => {
    for (const s of all) {
      expect(canTransition(s, s)).toBe(true);
      if (s !== 'discovered') expect(canTransition(s, 'discovered')).toBe(false);
    }
  });
  it('reaches stalled only from the active states', () => {
    const from = all.filter((s) => s !== 'stalled' && canTransition(s, 'stalled'));
    expect(from.sort()).toEqual(['booting', 'installing-os', 'provisioning', 'verifying']);
  });
});

describe('applyEntry', () => {
  // [name, entries, expected state]
  const rows: [string, EntryData[], MachineState][] = [
    ['first sighting', [discovered], 'discovered'],
    ['assignment', [discovered, assigned], 'assigned'],
    ['boot', [discovered, assigned, { kind: 'booting', ip: '10.0.0.5' }], 'booting'],
    [
      'answer file fetched',
      [
        assigned,
        { kind: 'booting', ip: '10.0.0.5' },
        { kind: 'installing-os', file: 'user-data', ip: '10.0.0.5' },
      ],
      'installing-os',
    ],
    ['agent up', [assigned, { kind: 'provisioning', ip: '10.0.0.5' }], 'provisioning'],
    [
      'a check running is verifying',
      [assigned, { kind: 'provisioning', ip: 'x' }, step('check-ff', 'started')],
      'verifying',
    ],
    [
      'an app after a check is provisioning again',
      [
        assigned,
        { kind: 'provisioning', ip: 'x' },
        step('check-ff', 'started'),
        step('app-tool', 'started'),
      ],
      'provisioning',
    ],
    [
      'a failure that is not the last attempt',
      [
        assigned,
        { kind: 'provisioning', ip: 'x' },
        step('app-firefox', 'failed', { final: false }),
      ],
      'provisioning',
    ],
    [
      'the last attempt failing',
      [assigned, { kind: 'provisioning', ip: 'x' }, step('app-firefox', 'failed', { final: true })],
      'failed',
    ],
    [
      'retry after failure',
      [
        assigned,
        { kind: 'provisioning', ip: 'x' },
        step('app-firefox', 'failed', { final: true }),
        { kind: 'retry-step', stepId: 'app-firefox' },
      ],
      'provisioning',
    ],
    [
      'stalled and back',
      [
        assigned,
        { kind: 'booting', ip: 'x' },
        { kind: 'stalled', silentSince: AT },
        { kind: 'resumed' },
      ],
      'booting',
    ],
    ['done', [assigned, { kind: 'provisioning', ip: 'x' }, { kind: 'done', by: 'agent' }], 'done'],
    ['reset after done', [assigned, { kind: 'done', by: 'technician' }, assigned], 'assigned'],
  ];
  it.each(rows)('%s', (_name, entries, state) => {
    expect(run(entries).state).toBe(state);
  });

  it('starts every deployment afresh: steps pending, seq and failure cleared', () => {
    const v = run([
      assigned,
      { kind: 'provisioning', ip: 'x' },
      step('app-firefox', 'failed', { final: true, seq: 7 }),
      assigned,
    ]);
    expect(v.deployment).toBe(2);
    expect(v.lastSeq).toBe(0);
    expect(v.failure).toBeNull();
    expect(v.steps.every((s) => s.status === 'pending')).toBe(true);
  });

  it('never changes the view it was given', () => {
    const v = run([discovered, assigned]);
    const copy = structuredClone(v);
    applyEntry(v, {
      id: 0,
      machineId: 'm1',
      at: AT,
      deployment: 1,
      data: step('inventory', 'started'),
    });
    expect(v).toEqual(copy);
  });

  it('keeps several MACs, normalized, and a bounded log tail', () => {
    let v = run([
      discovered,
      { kind: 'identity', macs: ['52-54-00-AA-BB-CD', '52:54:00:aa:bb:cc'] },
    ]);
    expect(v.macs).toEqual(['52:54:00:aa:bb:cc', '52:54:00:aa:bb:cd']);
    v = run([assigned], v);
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i}`);
    v = run([{ kind: 'log', seq: 1, stepId: 'inventory', attempt: 1, lines }], v);
    const tail = v.steps[0]!.logTail;
    expect(tail.length).toBe(50);
    expect(tail.at(-1)).toBe('line 79');
  });

  it('settles the plan when every step succeeded or was skipped', () => {
    let v = run([assigned]);
    expect(planSettled(v)).toBe(false);
    for (const s of v.steps.slice(0, -1)) v = run([step(s.id, 'succeeded')], v);
    expect(planSettled(v)).toBe(false);
    v = run([{ kind: 'skip-step', stepId: v.steps.at(-1)!.id }], v);
    expect(planSettled(v)).toBe(true);
  });
});

describe('summarize', () => {
  it('says what runs and how far, for a dashboard row', () => {
    let v = run([discovered, assigned, { kind: 'provisioning', ip: '10.0.0.9' }]);
    v = run([step('inventory', 'started'), step('inventory', 'succeeded')], v);
    v = run(
      [
        step('app-firefox', 'started'),
        { kind: 'progress', seq: 2, stepId: 'app-firefox', attempt: 1, percent: 50 },
      ],
      v,
    );
    const s = summarize(v);
    expect(s).toMatchObject({
      state: 'provisioning',
      step: 'Install Firefox',
      stepId: 'app-firefox',
      stepsDone: 1,
      // inventory, the local admin password, two apps, a config step, a check.
      stepsTotal: 6,
      progress: 25,
      profile: 'acme',
      customer: 'Acme',
      macs: ['52:54:00:aa:bb:cc'],
      ip: '10.0.0.9',
    });
  });
  it('is 100 when done and names the failed step when failed', () => {
    expect(summarize(run([assigned, { kind: 'done', by: 'technician' }])).progress).toBe(100);
    const f = summarize(
      run([
        assigned,
        { kind: 'provisioning', ip: 'x' },
        step('app-tool', 'failed', { final: true, message: 'exit 2' }),
      ]),
    );
    expect(f).toMatchObject({
      state: 'failed',
      step: 'Install Remote tool',
      failure: { stepId: 'app-tool', reason: 'exit 2' },
    });
  });
});

describe('normalizeMac', () => {
  it.each([
    ['52:54:00:AA:BB:CC', '52:54:00:aa:bb:cc'],
    ['52-54-00-aa-bb-cc', '52:54:00:aa:bb:cc'],
    ['525400aabbcc', '52:54:00:aa:bb:cc'],
    ['52:54:00:aa:bb', null],
    ['not a mac', null],
  ])('%s -> %s', (input, out) => {
    expect(normalizeMac(input)).toBe(out);
  });
});
