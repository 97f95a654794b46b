import { describe, expect, it } from 'vitest';
import { doomedStep, outcome, type SimOptions } from '../../../../main/simulate/model.js';

const steps = [
  { id: 'inventory', kind: 'inventory' },
  { id: 'app-a', kind: 'app' },
  { id: 'app-b', kind: 'app' },
  { id: 'check-x', kind: 'check' },
];
const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};
const o: SimOptions = { speed: 1, failRate: 0, rebootRate: 0, seed: 1, finalFailRate: 0.5 };
const app = { kind: 'app', retries: 2, rebootCodes: [] };

describe('--final-fail-rate', () => {
  it('dooms one app step of a machine at the rate, and draws nothing without a rate', () => {
    expect(doomedStep(steps, seq(0.4, 0.9), o)).toBe('app-b');
    expect(doomedStep(steps, seq(0.6), o)).toBeNull();
    let draws = 0;
    const counting = () => (draws++, 0);
    expect(doomedStep(steps, counting, { finalFailRate: 0 })).toBeNull();
    expect(draws).toBe(0);
  });

  it('a doomed step fails every attempt with 1603, so retries cannot save the machine', () => {
    for (const attempt of [1, 2, 3]) {
      expect(outcome(app, attempt, seq(0.99), o, true)).toEqual({
        exitCode: 1603,
        fails: true,
        reboot: false,
      });
    }
    expect(outcome(app, 1, seq(0.99), o, false).fails).toBe(false);
  });
});
