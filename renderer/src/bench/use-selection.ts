import { useShallow } from 'zustand/react/shallow';
import type { ProfileReadiness, Result } from '../../../main/api/contract';
import {
  assignMany,
  forEachMachine,
  machineAction,
  stepAction,
  wakeMachine,
} from '../api/machines';
import { outcome, useAction, type ActionMessage } from '../lib/use-action';
import { useStore } from '../store';
import { selectSelectedIds } from '../store/bench-ui';

export type SelectionConfirm =
  | { kind: 'reset' }
  | { kind: 'assign'; profile: string; deploying: number; readiness: ProfileReadiness | null };

const machinesWord = (n: number): string => `${n} machine${n === 1 ? '' : 's'}`;

/** One message for an action run on many machines: how many it did, or the first refusal. */
function eachOutcome(
  done: string,
  failedVerb: string,
  ok: number,
  failures: { message: string }[],
): ActionMessage {
  if (failures.length === 0) return { ok: true, text: `${done}: ${machinesWord(ok)}.` };
  return {
    ok: false,
    text: `Could not ${failedVerb} ${failures.length} of ${machinesWord(ok + failures.length)}: ${failures[0]!.message}`,
  };
}

/**
 * The Bench selection and what it does. Actions apply only to the selected machines the
 * filters show: a machine selected and then filtered away is counted ("4 selected (3
 * hidden)") and left alone, so nothing off screen is wiped by surprise.
 */
export function useSelection(shownIds: string[]) {
  const all = useStore(useShallow(selectSelectedIds));
  const shownSet = new Set(shownIds);
  const targets = all.filter((id) => shownSet.has(id));
  const hidden = all.length - targets.length;
  const action = useAction<SelectionConfirm>();

  const runEach = (
    done: string,
    verb: string,
    ids: string[],
    fn: (id: string) => Promise<Result<unknown>>,
  ) =>
    void action.run(async () => {
      const failures = await forEachMachine(ids, fn);
      return eachOutcome(done, verb, ids.length - failures.length, failures);
    });
  const assign = (profile: string) =>
    void action.run(async () =>
      outcome(
        await assignMany(targets, profile),
        `Assigned ${machinesWord(targets.length)} to ${profile}.`,
        (reason) => `Could not assign ${machinesWord(targets.length)} to ${profile}: ${reason}`,
      ),
    );
  const askAssign = (profile: string) => {
    const st = useStore.getState();
    const deploying = targets.filter((id) => st.machines[id]?.state !== 'discovered').length;
    const readiness = st.readiness[profile] ?? null;
    const notReady = readiness !== null && !readiness.ready;
    if (deploying > 0 || notReady || hidden > 0) {
      action.ask({ kind: 'assign', profile, deploying, readiness: notReady ? readiness : null });
    } else assign(profile);
  };
  // Retry means the step a machine failed at; machines that did not fail are left alone.
  const retry = () => {
    const machines = useStore.getState().machines;
    const failed = targets.filter((id) => machines[id]?.state === 'failed');
    if (failed.length === 0) {
      action.say({ ok: false, text: 'None of the selected machines shown has failed.' });
      return;
    }
    runEach('Retry requested', 'retry', failed, (id) => {
      const stepId = useStore.getState().machines[id]?.failure?.stepId;
      return stepId ? stepAction(id, stepId, 'retry') : machineAction(id, 'reset');
    });
  };
  const reset = () => {
    const assigned = targets.filter((id) => useStore.getState().machines[id]?.profile);
    runEach('Reset', 'reset', assigned, (id) => machineAction(id, 'reset'));
  };
  const wake = () => runEach('Wake-on-LAN sent', 'wake', targets, (id) => wakeMachine(id));
  return {
    wake,
    all,
    targets,
    hidden,
    busy: action.busy,
    message: action.message,
    confirm: action.pending,
    ask: action.ask,
    cancel: action.cancel,
    askAssign,
    assign,
    retry,
    reset,
    clear: () => useStore.getState().clearSelected(),
  };
}
