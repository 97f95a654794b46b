import { describe, expect, it } from 'vitest';
import type { MachineSummary, RunEstimates } from '../../../../main/api/contract.js';
import { etaFromRuns, osProgress } from '../../../../renderer/src/lib/eta.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const min = 60_000;

const est: RunEstimates = {
  profiles: {
    p: {
      bootMs: 2 * min,
      osMs: 20 * min,
      order: ['inventory', 'app-a', 'app-b', 'check'],
      steps: { inventory: 1 * min, 'app-a': 5 * min, check: 1 * min },
      runs: 3,
    },
  },
  apps: { 'app-b': 4 * min },
};

const m = (patch: Partial<MachineSummary>): MachineSummary => ({
  id: 'x',
  name: null,
  macs: [],
  uuid: null,
  serial: null,
  vendor: null,
  model: null,
  ip: null,
  state: 'provisioning',
  stalledIn: null,
  profile: 'p',
  profileVersion: null,
  customer: null,
  batch: null,
  deployment: 1,
  step: null,
  stepId: null,
  stepsDone: 0,
  stepsTotal: 4,
  progress: 0,
  startedAt: ago(3600),
  updatedAt: ago(0),
  lastSeenAt: ago(0),
  failure: null,
  ...patch,
});

describe('etaFromRuns: per-step medians, not the profile total', () => {
  it.each<[string, Partial<MachineSummary>, number | null]>([
    // 2 min boot - 1 min spent + 20 os + 1 + 5 + 4 (app-b from other profiles) + 1
    ['booting', { state: 'booting', stateSince: ago(60) }, 32 * min],
    ['OS install by time', { state: 'installing-os', stateSince: ago(5 * 60) }, 26 * min],
    // 10 min for 40 %: 15 min more at that pace, then the steps
    [
      'OS install by its own percentage',
      { state: 'installing-os', stateSince: ago(10 * 60), osPercent: 40 },
      26 * min,
    ],
    // step 3 of 4 running for 1 min of its 4: 3 + 1
    [
      'running step: what is left of it, then the rest',
      { stepId: 'app-b', stepStartedAt: ago(60), stepsDone: 2 },
      4 * min,
    ],
    ['between steps', { stepsDone: 3 }, 1 * min],
    [
      'an overdue step is "any minute" (0)',
      { stepId: 'check', stepStartedAt: ago(600), stepsDone: 3 },
      0,
    ],
    ['no history for the profile', { profile: 'q' }, null],
    ['assigned: waits for a technician', { state: 'assigned' }, null],
    ['done', { state: 'done' }, null],
  ])('%s', (_n, patch, expected) => {
    expect(etaFromRuns(m(patch), est, NOW)).toBe(expected);
  });
});

describe('osProgress', () => {
  it('is the installer’s own figure where it reports one, else estimated and never 100', () => {
    expect(osProgress(m({ state: 'installing-os', osPercent: 42 }), est, NOW)).toEqual({
      percent: 42,
      estimated: false,
    });
    expect(osProgress(m({ state: 'installing-os', stateSince: ago(5 * 60) }), est, NOW)).toEqual({
      percent: 25,
      estimated: true,
    });
    expect(
      osProgress(m({ state: 'installing-os', stateSince: ago(3600) }), est, NOW)?.percent,
    ).toBe(95);
    expect(osProgress(m({ state: 'provisioning' }), est, NOW)).toBeNull();
  });
});
