import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ProfileReadiness, Result } from '../../../main/api/contract';
import {
  assignMany,
  forEachMachine,
  machineAction,
  stepAction,
  wakeMachine,
} from '../api/machines';
import { useStore } from '../store';
import { selectSelectedIds } from '../store/bench-ui';

export type SelectionConfirm =
  | { kind: 'reset' }
  | { kind: 'assign'; profile: string; deploying: number; readiness: ProfileReadiness | null };

const machinesWord = (n: number): string => `${n} machine${n === 1 ? '' : 's'}`;

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
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirm, setConfirm] = useState<SelectionConfirm | null>(null);

  const report = (
    done: string,
    failedVerb: string,
    ok: number,
    failures: { message: string }[],
  ) => {
    if (failures.length === 0) setMessage({ ok: true, text: `${done}: ${machinesWord(ok)}.` });
    else
      setMessage({
        ok: false,
        text: `Could not ${failedVerb} ${failures.length} of ${machinesWord(ok + failures.length)}: ${failures[0]!.message}`,
      });
  };
  const runEach = async (
    done: string,
    verb: string,
    ids: string[],
    fn: (id: string) => Promise<Result<unknown>>,
  ) => {
    setBusy(true);
    setMessage(null);
    const failures = await forEachMachine(ids, fn);
    setBusy(false);
    report(done, verb, ids.length - failures.length, failures);
  };
  const assign = async (profile: string) => {
    setConfirm(null);
    setBusy(true);
    setMessage(null);
    const r = await assignMany(targets, profile);
    setBusy(false);
    if (r.ok)
      setMessage({ ok: true, text: `Assigned ${machinesWord(targets.length)} to ${profile}.` });
    else
      setMessage({
        ok: false,
        text: `Could not assign ${machinesWord(targets.length)} to ${profile}: ${r.error.message}`,
      });
  };
  const askAssign = (profile: string) => {
    const st = useStore.getState();
    const deploying = targets.filter((id) => st.machines[id]?.state !== 'discovered').length;
    const readiness = st.readiness[profile] ?? null;
    const notReady = readiness !== null && !readiness.ready;
    if (deploying > 0 || notReady || hidden > 0) {
      setConfirm({ kind: 'assign', profile, deploying, readiness: notReady ? readiness : null });
    } else void assign(profile);
  };
  // Retry means the step a machine failed at; machines that did not fail are left alone.
  const retry = () => {
    const machines = useStore.getState().machines;
    const failed = targets.filter((id) => machines[id]?.state === 'failed');
    if (failed.length === 0) {
      setMessage({ ok: false, text: 'None of the selected machines shown has failed.' });
      return;
    }
    void runEach('Retry requested', 'retry', failed, (id) => {
      const stepId = useStore.getState().machines[id]?.failure?.stepId;
      return stepId ? stepAction(id, stepId, 'retry') : machineAction(id, 'reset');
    });
  };
  const reset = () => {
    setConfirm(null);
    const assigned = targets.filter((id) => useStore.getState().machines[id]?.profile);
    void runEach('Reset', 'reset', assigned, (id) => machineAction(id, 'reset'));
  };
  const wake = () => void runEach('Wake-on-LAN sent', 'wake', targets, (id) => wakeMachine(id));
  return {
    wake,
    all,
    targets,
    hidden,
    busy,
    message,
    confirm,
    setConfirm,
    askAssign,
    assign,
    retry,
    reset,
    clear: () => useStore.getState().clearSelected(),
  };
}
