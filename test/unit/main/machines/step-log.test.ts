import { describe, expect, it } from 'vitest';
import { stepLogOf } from '../../../../main/machines/step-log.js';
import type { Entry, EntryData } from '../../../../main/machines/types.js';

let id = 0;
const e = (data: EntryData, deployment = 1): Entry => ({
  id: ++id,
  machineId: 'm1',
  at: `2026-01-01T10:00:${String(id).padStart(2, '0')}Z`,
  deployment,
  data,
});
const step = (attempt: number, status: 'started' | 'succeeded' | 'failed', extra = {}) =>
  e({ kind: 'step', seq: id, stepId: 'app-x', attempt, status, ...extra });
const log = (attempt: number, lines: string[]) =>
  e({ kind: 'log', seq: id, stepId: 'app-x', attempt, lines });

describe('stepLogOf', () => {
  it('groups lines by attempt, newest first, with the retry between, once each', () => {
    const entries = [
      e({ kind: 'step', seq: 1, stepId: 'other', attempt: 1, status: 'started' }, 0),
      step(1, 'started'),
      log(1, ['a1']),
      step(1, 'failed', { exitCode: 1603, message: 'exit 1603', logTail: ['a1', 'tail1'] }),
      e({ kind: 'retry-step', stepId: 'app-x' }),
      step(2, 'started'),
      log(2, ['b1', 'b2']),
      log(2, ['b3']),
      step(2, 'succeeded', { exitCode: 0 }),
      e({ kind: 'log', seq: 99, stepId: 'app-x', attempt: 1, lines: ['x'] }, 2),
    ];
    const r = stepLogOf(entries, 'app-x', 1);
    expect(r.items.map((i) => (i.type === 'action' ? i.action : i.attempt.attempt))).toEqual([
      2,
      'retry',
      1,
    ]);
    const [a2, , a1] = r.items;
    expect(a2!.type === 'attempt' && a2.attempt.lines).toEqual(['b1', 'b2', 'b3']);
    expect(a1!.type === 'attempt' && a1.attempt).toMatchObject({
      status: 'failed',
      exitCode: 1603,
      lines: ['a1', 'tail1'],
    });
  });

  it('a machine failure outside the step interrupts the running attempt', () => {
    const r = stepLogOf(
      [step(1, 'started'), e({ kind: 'failed', stepId: null, reason: 'SMART failing' })],
      'app-x',
      1,
    );
    expect(r.items[0]!.type === 'attempt' && r.items[0]!.attempt).toMatchObject({
      status: 'interrupted',
      message: 'interrupted: SMART failing',
    });
  });
});
