import { describe, expect, it } from 'vitest';
import { applyEntry, newView } from '../../../../main/machines/state.js';
import { OS_STEP_ID } from '../../../../main/machines/estimates.js';
import type { EntryData, MachineView } from '../../../../main/machines/types.js';

let id = 0;
const apply = (
  v: MachineView,
  data: EntryData,
  at = `2026-01-01T10:00:${String(++id).padStart(2, '0')}Z`,
) => applyEntry(v, { id, machineId: 'm', at, deployment: 1, data });

const assigned: EntryData = {
  kind: 'assigned',
  profile: 'p',
  profileVersion: null,
  profileName: null,
  customer: null,
  batch: null,
  by: 'hand',
  steps: [
    { id: 'inventory', kind: 'inventory', label: 'Collect inventory', retries: 0 } as never,
    { id: 'app-x', kind: 'app', label: 'Install X', retries: 0 } as never,
  ],
};

describe('state for the console (issue 18)', () => {
  it('keeps when the state began, and the OS installer’s own percentage', () => {
    let v = apply(newView('m', '2026-01-01T09:00:00Z'), assigned);
    v = apply(v, { kind: 'booting', ip: '10.0.0.2' });
    const booted = v.stateSince;
    v = apply(v, { kind: 'installing-os', file: 'user-data', ip: '10.0.0.2' });
    expect(v.stateSince).not.toBe(booted);
    const since = v.stateSince;
    v = apply(v, { kind: 'progress', seq: 1, stepId: OS_STEP_ID, attempt: 1, percent: 37 });
    expect(v.osPercent).toBe(37);
    expect(v.stateSince).toBe(since);
    v = apply(v, {
      kind: 'progress',
      seq: 2,
      stepId: OS_STEP_ID,
      attempt: 1,
      bytes: 50,
      totalBytes: 200,
    });
    expect(v.osPercent).toBe(25);
    // A new deployment starts without the old percentage.
    expect(apply(v, assigned).osPercent).toBeNull();
  });

  it('a failure outside any step closes the running step as interrupted, with the fix kept', () => {
    let v = apply(newView('m', '2026-01-01T09:00:00Z'), assigned);
    v = apply(v, { kind: 'provisioning', ip: '10.0.0.2' });
    v = apply(v, { kind: 'step', seq: 1, stepId: 'inventory', attempt: 1, status: 'started' });
    v = apply(v, {
      kind: 'failed',
      seq: 2,
      stepId: null,
      reason: 'SMART: disk failing',
      fix: 'Replace the disk.',
    });
    expect(v.state).toBe('failed');
    expect(v.failure).toEqual({
      stepId: null,
      step: null,
      reason: 'SMART: disk failing',
      fix: 'Replace the disk.',
    });
    const s = v.steps.find((x) => x.id === 'inventory')!;
    expect(s.status).toBe('interrupted');
    expect(s.endedAt).not.toBeNull();
    expect(v.steps.find((x) => x.id === 'app-x')!.status).toBe('pending');
  });
});

describe('step log tails (issue 18 item 5)', () => {
  it('a new attempt starts its own tail, and an end report adds only lines not sent yet', () => {
    let v = apply(newView('m', '2026-01-01T09:00:00Z'), assigned);
    v = apply(v, { kind: 'provisioning', ip: '10.0.0.2' });
    v = apply(v, { kind: 'step', seq: 1, stepId: 'app-x', attempt: 1, status: 'started' });
    v = apply(v, { kind: 'log', seq: 2, stepId: 'app-x', attempt: 1, lines: ['a', 'b'] });
    v = apply(v, {
      kind: 'step',
      seq: 3,
      stepId: 'app-x',
      attempt: 1,
      status: 'failed',
      logTail: ['a', 'b', 'MSI error 1603'],
    });
    expect(v.steps[1]!.logTail).toEqual(['a', 'b', 'MSI error 1603']);
    v = apply(v, { kind: 'step', seq: 4, stepId: 'app-x', attempt: 2, status: 'started' });
    expect(v.steps[1]!.logTail).toEqual([]);
    v = apply(v, { kind: 'log', seq: 5, stepId: 'app-x', attempt: 2, lines: ['c'] });
    expect(v.steps[1]!.logTail).toEqual(['c']);
  });
});
