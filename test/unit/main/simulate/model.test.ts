import { describe, expect, it } from 'vitest';
import { parseSimulateArgs } from '../../../../main/commands/simulate.js';
import { identity, outcome, rng, scaled } from '../../../../main/simulate/model.js';

describe('simulated machines', () => {
  it('are reproducible from the seed and unique per index', () => {
    expect(identity(5, 1)).toEqual(identity(5, 1));
    const macs = new Set(Array.from({ length: 2000 }, (_, i) => identity(i + 1, 1).mac));
    expect(macs.size).toBe(2000);
    for (const mac of macs) expect(mac).toMatch(/^02:50(:[0-9a-f]{2}){4}$/);
    expect(identity(1, 1).uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it.each([
    [
      'a retryable step may fail its first attempt',
      { kind: 'app', retries: 1, rebootCodes: [] },
      1,
      0.0,
      'fails',
    ],
    ['never its retry', { kind: 'app', retries: 1, rebootCodes: [] }, 2, 0.0, 'ok'],
    ['never a step without retries', { kind: 'config', retries: 0, rebootCodes: [] }, 1, 0.0, 'ok'],
    [
      'an app with 3010 may reboot',
      { kind: 'app', retries: 0, rebootCodes: [3010] },
      1,
      0.0,
      'reboot',
    ],
  ] as const)('%s', (_n, step, attempt, roll, want) => {
    const o = outcome({ ...step, rebootCodes: [...step.rebootCodes] }, attempt, () => roll, {
      speed: 1,
      failRate: 0.5,
      rebootRate: 0.5,
      seed: 1,
    });
    expect(o.fails ? 'fails' : o.reboot ? 'reboot' : 'ok').toBe(want);
  });

  it('scales bench time by the speed factor', () => {
    expect(scaled(600, { speed: 1 })).toBe(600_000);
    expect(scaled(600, { speed: 100 })).toBe(6000);
    expect(scaled(0.0001, { speed: 1000 })).toBe(1);
    const r = rng(3);
    expect(r()).toBeGreaterThanOrEqual(0);
  });
});

describe('prepstation simulate arguments', () => {
  it('reads the options with their defaults', () => {
    const o = parseSimulateArgs([
      '--station',
      'http://10.0.0.1:8080',
      '--machines',
      '50',
      '--speed=60',
    ]);
    expect(o).toMatchObject({
      benchUrl: 'http://10.0.0.1:8080',
      machines: 50,
      speed: 60,
      assign: null,
      ui: null,
    });
  });
  it.each([
    [['--machines', '5'], /--station/],
    [['--station', 'http://x', '--assign', 'p'], /--ui/],
    [['--station', 'http://x', '--fail-rate', '2'], /--fail-rate/],
    [['--station', 'http://x', '--bogus', '1'], /unknown option --bogus/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateArgs(argv)).toThrow(message);
  });
});
