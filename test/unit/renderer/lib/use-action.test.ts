import { describe, expect, it } from 'vitest';
import type { Result } from '../../../../main/api/contract.js';
import { outcome } from '../../../../renderer/src/lib/use-action.js';

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const refused: Result<{ n: number }> = {
  ok: false,
  error: { code: 'conflict', message: 'Machine m1 is being deployed: reset it first.' },
};

/** What a station reply comes to on screen: the words beside the button. */
describe('outcome', () => {
  // [case, reply, done, failed, message]
  const rows: [
    string,
    Result<{ n: number }>,
    Parameters<typeof outcome<{ n: number }>>[1],
    ((reason: string) => string) | undefined,
    ReturnType<typeof outcome>,
  ][] = [
    ['worked: the fixed words', ok({ n: 3 }), 'Reset.', undefined, { ok: true, text: 'Reset.' }],
    [
      'worked: words made from the value',
      ok({ n: 3 }),
      (v) => `Sent to ${v.n} MACs.`,
      undefined,
      { ok: true, text: 'Sent to 3 MACs.' },
    ],
    ['worked, nothing to say: the screen shows the change', ok({ n: 3 }), null, undefined, null],
    [
      'refused: the station’s own reason',
      refused,
      'Reset.',
      undefined,
      { ok: false, text: 'Machine m1 is being deployed: reset it first.' },
    ],
    [
      'refused, even when success says nothing',
      refused,
      null,
      undefined,
      { ok: false, text: 'Machine m1 is being deployed: reset it first.' },
    ],
    [
      'refused: the reason in the screen’s sentence',
      refused,
      'Assigned.',
      (reason) => `Could not assign 2 machines to acme: ${reason}`,
      {
        ok: false,
        text: 'Could not assign 2 machines to acme: Machine m1 is being deployed: reset it first.',
      },
    ],
  ];
  it.each(rows)('%s', (_name, reply, done, failed, want) => {
    expect(outcome(reply, done, failed)).toEqual(want);
  });
});
