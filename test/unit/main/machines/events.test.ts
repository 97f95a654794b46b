import { describe, expect, it } from 'vitest';
import type { StationEvent } from '../../../../main/api/contract.js';
import { EventBus } from '../../../../main/events/bus.js';
import { machineEventsToBus } from '../../../../main/machines/events.js';
import { newView } from '../../../../main/machines/state.js';
import type { Entry, EntryData } from '../../../../main/machines/types.js';

/**
 * The UI's stream made of typed machine events: which stream events one appended entry
 * gives, in order (the timeline, the log lines, the step, always the whole row last).
 */
const view = { ...newView('m1', '2026-12-03T10:00:00.000Z'), macs: ['52:54:00:19:00:01'] };
const entry = (data: EntryData, id = 7): Entry => ({
  id,
  machineId: 'm1',
  at: '2026-12-03T10:00:01.000Z',
  deployment: 1,
  data,
});

function streamOf(entries: Entry[]): StationEvent[] {
  const bus = new EventBus();
  const out: StationEvent[] = [];
  bus.on((e) => out.push(e));
  machineEventsToBus(bus)({ kind: 'machine-changed', machine: view, entries });
  bus.close();
  return out;
}

// [name, entry data, stream event types in order]
const rows: [string, EntryData, StationEvent['type'][]][] = [
  [
    'a state entry: timeline, then the row',
    { kind: 'provisioning', ip: '10.0.0.5' },
    ['machine-timeline', 'machine'],
  ],
  [
    'log lines go out as lines, not as a timeline entry',
    { kind: 'log', seq: 3, stepId: 'nope', attempt: 1, lines: ['a'] },
    ['machine-log', 'machine'],
  ],
  [
    'progress moves only the row (and its step when the plan has it)',
    { kind: 'progress', seq: 4, stepId: 'nope', attempt: 1, percent: 40 },
    ['machine'],
  ],
];

describe('machineEventsToBus', () => {
  it.each(rows)('%s', (_name, data, types) => {
    expect(streamOf([entry(data)]).map((e) => e.type)).toEqual(types);
  });

  it('the timeline shows an assignment with its step count and no digest anywhere', () => {
    const out = streamOf([
      entry({
        kind: 'assigned',
        profile: 'acme',
        profileVersion: 'v1',
        profileName: 'Acme',
        customer: null,
        batch: null,
        by: 'hand',
        steps: [],
      }),
      entry({ kind: 'failed', seq: 5, stepId: null, reason: 'x', digest: 'secret-ish' }, 8),
    ]);
    const timeline = out.filter((e) => e.type === 'machine-timeline');
    expect(timeline.map((e) => e.entry.data)).toEqual([
      {
        kind: 'assigned',
        profile: 'acme',
        profileVersion: 'v1',
        profileName: 'Acme',
        customer: null,
        batch: null,
        by: 'hand',
        stepsTotal: 0,
      },
      { kind: 'failed', seq: 5, stepId: null, reason: 'x' },
    ]);
    expect(out.at(-1)).toMatchObject({ type: 'machine', machine: { id: 'm1' } });
  });

  it('a batch change is a batch event', () => {
    const bus = new EventBus();
    const out: StationEvent[] = [];
    bus.on((e) => out.push(e));
    const batch = {
      id: 'b1',
      name: null,
      profile: 'acme',
      count: 2,
      macs: null,
      machineIds: ['m1'],
      filled: 1,
      open: true,
      createdAt: '2026-12-03T10:00:00.000Z',
    };
    machineEventsToBus(bus)({ kind: 'batch-changed', batch });
    bus.close();
    expect(out).toMatchObject([{ type: 'batch', batch }]);
  });
});
