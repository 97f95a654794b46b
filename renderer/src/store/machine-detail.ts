import type { StateCreator } from 'zustand';
import type { MachineLogEntry, MachineStep, StationEvent } from '../../../main/api/contract';
import { isMilestone } from '../lib/timeline-text';
import type { Store } from './index';

/** Lines of a step's log kept on screen; the full log is fetched on demand. */
export const LOG_TAIL_LIMIT = 200;

/** The machine whose detail page is open: its steps and timeline follow the stream. */
export interface OpenMachine {
  id: string;
  steps: MachineStep[];
  inventory: Record<string, unknown> | null;
  /**
   * Its milestones, oldest first: kept that way as they arrive, so no render filters a
   * 5,000-entry log. Progress and log lines live in the steps (tail) and the step-log
   * endpoint (whole).
   */
  timeline: MachineLogEntry[];
}

export interface MachineDetailSlice {
  openMachine: OpenMachine | null;
  setOpenMachine: (m: OpenMachine | null) => void;
  applyDetailEvents: (batch: StationEvent[]) => Partial<Store> | null;
}

export const createMachineDetailSlice: StateCreator<Store, [], [], MachineDetailSlice> = (
  set,
  get,
) => ({
  openMachine: null,
  setOpenMachine: (openMachine) => set({ openMachine }),
  applyDetailEvents: (batch) => {
    const open = get().openMachine;
    if (!open) return null;
    let steps: MachineStep[] | null = null;
    let timeline: MachineLogEntry[] | null = null;
    for (const e of batch) {
      if (e.type === 'machine-step' && e.machineId === open.id) {
        steps ??= [...open.steps];
        const i = steps.findIndex((s) => s.id === e.step.id);
        if (i >= 0) steps[i] = e.step;
        else steps.push(e.step);
      } else if (e.type === 'machine-log' && e.machineId === open.id && e.stepId) {
        steps ??= [...open.steps];
        const i = steps.findIndex((s) => s.id === e.stepId);
        if (i < 0) continue;
        const step = steps[i]!;
        steps[i] = { ...step, logTail: step.logTail.concat(e.lines).slice(-LOG_TAIL_LIMIT) };
      } else if (
        e.type === 'machine-timeline' &&
        e.entry.machineId === open.id &&
        isMilestone(e.entry)
      ) {
        timeline ??= [...open.timeline];
        timeline.push(e.entry);
      }
    }
    if (!steps && !timeline) return null;
    return {
      openMachine: {
        ...open,
        ...(steps ? { steps } : {}),
        ...(timeline ? { timeline } : {}),
      },
    };
  },
});

export const selectOpenMachine = (s: Store): OpenMachine | null => s.openMachine;
