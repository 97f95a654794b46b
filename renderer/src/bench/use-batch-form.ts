import { useState } from 'react';
import type { ProfileReadiness } from '../../../main/api/contract';
import { createBatch } from '../api/machines';
import { outcome, useAction } from '../lib/use-action';
import { useStore } from '../store';
import { selectReadinessLoaded, selectReadinessOf } from '../store/readiness';

export type BatchConfirm = { readiness: ProfileReadiness | null; waiting: number };

/**
 * The "next N machines → profile" form: validation, and a confirmation first when the
 * profile is not ready (it would wipe PCs and then stop) or when PCs already wait on the
 * bench (they join the batch the next time they ask for their boot script).
 */
export function useBatchForm() {
  const [count, setCount] = useState('10');
  const [profile, setProfile] = useState('');
  const action = useAction<BatchConfirm>();
  const readiness = useStore(selectReadinessOf(profile));
  const readinessLoaded = useStore(selectReadinessLoaded);

  const n = Number(count);
  const valid = Number.isInteger(n) && n > 0 && n <= 1000 && profile !== '';

  const create = () =>
    void action.run(async () => {
      const r = await createBatch(profile, n);
      if (r.ok) {
        const st = useStore.getState();
        st.setBatches([...Object.values(st.batches).filter((b) => b.id !== r.value.id), r.value]);
      }
      return outcome(r, `Batch created: the next ${n} machines that boot get ${profile}.`);
    });
  const submit = () => {
    if (!valid) return;
    action.say(null);
    const waiting = Object.values(useStore.getState().machines).filter(
      (m) => m.state === 'discovered',
    ).length;
    const notReady = readiness !== null && !readiness.ready;
    if (notReady || waiting > 0) action.ask({ readiness: notReady ? readiness : null, waiting });
    else create();
  };
  /** For tests and the form: whether the chosen profile's readiness is known yet. */
  const readinessState: 'unknown' | 'ready' | 'not-ready' =
    !readinessLoaded || !profile || !readiness
      ? 'unknown'
      : readiness.ready
        ? 'ready'
        : 'not-ready';

  return {
    count,
    setCount,
    profile,
    setProfile,
    busy: action.busy,
    /** The form shows a refusal and a success in different places. */
    error: action.message?.ok === false ? action.message.text : null,
    valid,
    n,
    readiness,
    readinessState,
    confirm: action.pending,
    created: action.message?.ok ? action.message.text : null,
    cancel: action.cancel,
    submit,
    create,
  };
}
