import { describe, expect, it } from 'vitest';
import { estimatesFrom } from '../../../../main/machines/estimates.js';
import type { Entry, EntryData } from '../../../../main/machines/types.js';

const T0 = Date.parse('2026-01-01T10:00:00Z');
let id = 0;
const e = (machineId: string, s: number, data: EntryData, deployment = 1): Entry => ({
  id: ++id,
  machineId,
  at: new Date(T0 + s * 1000).toISOString(),
  deployment,
  data,
});
const plan = (profile: string, ids: string[]): EntryData => ({
  kind: 'assigned',
  profile,
  profileVersion: null,
  profileName: null,
  customer: null,
  batch: null,
  by: 'hand',
  steps: ids.map((stepId) => ({ id: stepId }) as never),
});
const step = (stepId: string, status: 'started' | 'succeeded', attempt = 1): EntryData => ({
  kind: 'step',
  seq: id,
  stepId,
  attempt,
  status,
});

/** A run: boot 30 s, OS `os` s, then each step `d` s. */
function run(machineId: string, profile: string, os: number, steps: [string, number][]): Entry[] {
  const out = [
    e(
      machineId,
      0,
      plan(
        profile,
        steps.map(([s]) => s),
      ),
    ),
    e(machineId, 10, { kind: 'booting', ip: '10.0.0.2' }),
    e(machineId, 40, { kind: 'installing-os', file: 'user-data', ip: '10.0.0.2' }),
    e(machineId, 40 + os, { kind: 'provisioning', ip: '10.0.0.2' }),
  ];
  let t = 40 + os;
  for (const [s, d] of steps) {
    out.push(e(machineId, t, step(s, 'started')));
    t += d;
    out.push(e(machineId, t, step(s, 'succeeded')));
  }
  out.push(e(machineId, t, { kind: 'done', by: 'agent' }));
  return out;
}

describe('estimatesFrom', () => {
  it('takes medians per phase and step of a profile, and per app across profiles', () => {
    const r = estimatesFrom([
      ...run('a', 'p', 600, [
        ['inventory', 10],
        ['app-x', 100],
      ]),
      ...run('b', 'p', 900, [
        ['inventory', 20],
        ['app-x', 200],
      ]),
      ...run('c', 'p', 1200, [
        ['inventory', 30],
        ['app-x', 900],
      ]),
      ...run('d', 'q', 100, [['app-y', 50]]),
    ]);
    expect(r.profiles.p).toEqual({
      bootMs: 30_000,
      osMs: 900_000,
      order: ['inventory', 'app-x'],
      steps: { inventory: 20_000, 'app-x': 200_000 },
      runs: 3,
    });
    expect(r.apps).toEqual({ 'app-x': 200_000, 'app-y': 50_000 });
  });

  it('a retried step counts from its first start; an unfinished one not at all', () => {
    const entries = [
      e('a', 0, plan('p', ['app-x', 'app-z'])),
      e('a', 100, step('app-x', 'started')),
      e('a', 200, step('app-x', 'started', 2)),
      e('a', 400, step('app-x', 'succeeded', 2)),
      e('a', 400, step('app-z', 'started')),
    ];
    expect(estimatesFrom(entries).profiles.p!.steps).toEqual({ 'app-x': 300_000 });
  });
});
