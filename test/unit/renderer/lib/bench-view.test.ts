import { describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../../../main/api/contract.js';
import {
  defaultFilter,
  elapsedMs,
  stepLine,
  visibleMachineIds,
  whyLine,
  type BenchFilter,
} from '../../../../renderer/src/lib/bench-view.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const min = (n: number) => new Date(NOW - n * 60_000).toISOString();

function machine(id: string, patch: Partial<MachineSummary> = {}): MachineSummary {
  return {
    id,
    name: null,
    macs: [`52:54:00:00:00:${id.padStart(2, '0')}`],
    uuid: null,
    serial: `SN-${id}`,
    vendor: 'Dell Inc.',
    model: 'OptiPlex 7010',
    ip: null,
    state: 'discovered',
    stalledIn: null,
    profile: null,
    profileVersion: null,
    customer: null,
    batch: null,
    deployment: 0,
    step: null,
    stepId: null,
    stepsDone: 0,
    stepsTotal: 0,
    progress: 0,
    startedAt: null,
    updatedAt: min(0),
    lastSeenAt: null,
    failure: null,
    ...patch,
  };
}

const fleet = Object.fromEntries(
  [
    machine('1', { state: 'provisioning', progress: 60, customer: 'Acme', batch: 'b1' }),
    machine('2', {
      state: 'failed',
      customer: 'Acme',
      failure: { stepId: 'app-x', step: 'Install X', reason: 'exit 1603' },
    }),
    machine('3', { state: 'done', progress: 100, customer: 'Weber' }),
    machine('4', { state: 'stalled', stalledIn: 'installing-os', lastSeenAt: min(25) }),
    machine('5', { state: 'provisioning', progress: 20, customer: 'Weber', batch: 'b1' }),
    machine('6', { state: 'discovered', macs: ['aa:bb:cc:dd:ee:ff'] }),
  ].map((m) => [m.id, m]),
);

describe('visibleMachineIds', () => {
  const f = (patch: Partial<BenchFilter>): BenchFilter => ({ ...defaultFilter, ...patch });
  it.each<[string, Partial<BenchFilter>, string[]]>([
    [
      'attention first: failed, stalled, then active by progress',
      {},
      ['2', '4', '5', '1', '6', '3'],
    ],
    ['state group: active', { state: 'active' }, ['5', '1']],
    ['state group: attention', { state: 'attention' }, ['2', '4']],
    ['one state', { state: 'done' }, ['3']],
    ['customer', { customer: 'Weber' }, ['5', '3']],
    ['batch', { batch: 'b1' }, ['5', '1']],
    ['no batch', { batch: '-', state: 'active' }, []],
    ['search by serial', { search: 'sn-3' }, ['3']],
    ['search by MAC without separators', { search: 'aabbccddeeff' }, ['6']],
    ['search by MAC part with colons', { search: 'dd:ee:ff' }, ['6']],
    ['search words all match', { search: 'acme 1603' }, ['2']],
    ['sort by progress', { sort: 'progress', state: 'active' }, ['1', '5']],
    [
      'sort by name is numeric-aware',
      { sort: 'name', state: 'all', search: 'sn-' },
      ['1', '2', '3', '4', '5', '6'],
    ],
  ])('%s', (_name, filter, expected) => {
    expect(visibleMachineIds(fleet, f(filter), NOW)).toEqual(expected);
  });
});

describe('stepLine and whyLine', () => {
  it.each<[string, Partial<MachineSummary>, string]>([
    [
      'running step counts as the k-th',
      {
        state: 'provisioning',
        step: 'Installing 7-Zip',
        stepId: 'app-7zip',
        stepsDone: 2,
        stepsTotal: 9,
      },
      '3 of 9: Installing 7-Zip',
    ],
    [
      'first step',
      { state: 'provisioning', step: 'Collect inventory', stepId: 'inventory', stepsTotal: 5 },
      '1 of 5: Collect inventory',
    ],
    [
      'between steps, waiting after a reboot',
      { state: 'provisioning', step: 'Waiting for the agent', stepsDone: 3, stepsTotal: 5 },
      '3 of 5 done: Waiting for the agent',
    ],
    [
      'between steps, nothing said',
      { state: 'verifying', stepsDone: 4, stepsTotal: 5 },
      '4 of 5 done',
    ],
    [
      'the OS install is not a plan step',
      { state: 'installing-os', step: 'Installing the operating system', stepsTotal: 5 },
      'Installing the operating system',
    ],
    ['booting without words', { state: 'booting', stepsTotal: 5 }, 'Booting'],
    ['done', { state: 'done', stepsDone: 5, stepsTotal: 5 }, 'All 5 steps done'],
    ['unassigned', { state: 'discovered' }, 'Waiting for a profile'],
    [
      'failed: how far it got; the step is named once, in the reason',
      { state: 'failed', step: 'Install X', stepId: 'app-x', stepsDone: 1, stepsTotal: 14 },
      '1 of 14 steps done',
    ],
  ])('%s', (_n, patch, expected) => {
    expect(stepLine(machine('x', patch))).toBe(expected);
  });

  it('says why a failed or stalled machine needs a technician, and nothing otherwise', () => {
    expect(whyLine(fleet['2']!, NOW)).toBe('Install X: exit 1603');
    expect(whyLine(fleet['4']!, NOW)).toBe('No word for 25 min while installing the OS');
    expect(whyLine(fleet['1']!, NOW)).toBeNull();
  });
});

describe('elapsed', () => {
  it('stops the clock of a finished machine at its last update', () => {
    const done = machine('a', {
      state: 'done',
      profile: 'p',
      startedAt: min(100),
      updatedAt: min(70),
    });
    expect(elapsedMs(done, NOW)).toBe(30 * 60_000);
    expect(elapsedMs(machine('r', { state: 'booting', startedAt: min(3) }), NOW)).toBe(3 * 60_000);
  });
});
