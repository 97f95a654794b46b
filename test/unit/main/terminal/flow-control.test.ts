import { describe, expect, it } from 'vitest';
import { FlowControl, type FlowChange } from '../../../../main/terminal/flow-control.js';

const limits = { ackHigh: 100, ackLow: 20, bufferHigh: 50, bufferLow: 10 };
type Op = ['sent' | 'written' | 'acked', number] | ['reset'];

describe('FlowControl', () => {
  const cases: [name: string, ops: Op[], changes: FlowChange[]][] = [
    [
      'under both marks: nothing',
      [
        ['sent', 40],
        ['written', 40],
        ['acked', 40],
      ],
      [null, null, null],
    ],
    [
      'socket backlog pauses; resumes once drained and acked',
      [
        ['sent', 60],
        ['written', 45],
        ['acked', 60],
        ['written', 10],
      ],
      ['pause', null, null, 'resume'],
    ],
    [
      'unacked pauses; the socket draining alone does not resume',
      [
        ['sent', 30],
        ['written', 30],
        ['sent', 30],
        ['written', 30],
        ['sent', 45],
        ['written', 45],
        ['acked', 70],
        ['acked', 20],
      ],
      [null, null, null, null, 'pause', null, null, 'resume'],
    ],
    ['a new socket resumes', [['sent', 200], ['reset']], ['pause', 'resume']],
    [
      'bogus acks change nothing',
      [
        ['sent', 60],
        ['acked', -5],
        ['acked', Number.NaN],
      ],
      ['pause', null, null],
    ],
    [
      'acking more than sent is clamped',
      [
        ['sent', 10],
        ['written', 10],
        ['acked', 1000],
        ['sent', 101],
      ],
      [null, null, null, 'pause'],
    ],
  ];
  it.each(cases)('%s', (_name, ops, changes) => {
    const f = new FlowControl(limits);
    const got = ops.map((op) => (op[0] === 'reset' ? f.reset() : f[op[0]](op[1])));
    expect(got).toEqual(changes);
  });
});
