import type { BatchSummary } from '../api/contract.js';
import type { EventBus } from '../events/bus.js';
import { stepOf, summarize } from './summary.js';
import type { Entry, EntryData, MachineView } from './types.js';

/**
 * What the machines part tells the rest of the station, typed: a machine's log grew (the
 * entries carry their own typed data), or a batch gained or lost room. Subscribers adapt
 * these to their own shape: `machineEventsToBus` makes the UI's event stream of them.
 */
export type MachineEvent =
  | { kind: 'machine-changed'; machine: MachineView; entries: readonly Entry[] }
  | { kind: 'batch-changed'; batch: BatchSummary };

export type MachineEventSink = (e: MachineEvent) => void;

/** The UI's event stream from machine events: log lines, timeline, steps, the row, batches. */
export function machineEventsToBus(bus: EventBus): MachineEventSink {
  return (e) => {
    switch (e.kind) {
      case 'machine-changed':
        return publishMachine(bus, e.machine, e.entries);
      case 'batch-changed':
        bus.publish({ type: 'batch', batch: e.batch });
        return;
    }
  };
}

function publishMachine(bus: EventBus, view: MachineView, entries: readonly Entry[]): void {
  const changedSteps = new Set<string>();
  for (const e of entries) {
    const d = e.data;
    if (d.kind === 'log') {
      bus.publish({ type: 'machine-log', machineId: view.id, stepId: d.stepId, lines: d.lines });
    } else if (d.kind !== 'progress') {
      bus.publish({
        type: 'machine-timeline',
        entry: {
          id: e.id,
          machineId: view.id,
          at: e.at,
          deployment: e.deployment,
          kind: d.kind,
          data: timelineData(d),
        },
      });
    }
    if ('stepId' in d && d.stepId) changedSteps.add(d.stepId);
  }
  for (const stepId of changedSteps) {
    const step = view.steps.find((s) => s.id === stepId);
    if (step) bus.publish({ type: 'machine-step', machineId: view.id, step: stepOf(step) });
  }
  bus.publish({ type: 'machine', machine: summarize(view) });
}

/** What the timeline shows of an entry: the plan is summarized (the detail route has steps). */
function timelineData(d: EntryData): Record<string, unknown> {
  if (d.kind === 'assigned') {
    const { steps, ...rest } = d;
    return { ...rest, stepsTotal: steps.length };
  }
  const { digest: _digest, ...rest } = d as EntryData & { digest?: string };
  return rest;
}
