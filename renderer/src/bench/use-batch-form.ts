import { useState } from 'react';
import type { ProfileReadiness } from '../../../main/api/contract';
import { createBatch } from '../api/machines';
import { useStore } from '../store';

export type BatchConfirm = { readiness: ProfileReadiness | null; waiting: number };

/**
 * The "next N machines → profile" form: validation, and a confirmation first when the
 * profile is not ready (it would wipe PCs and then stop) or when PCs already wait on the
 * bench (they join the batch the next time they ask for their boot script).
 */
export function useBatchForm() {
  const [count, setCount] = useState('10');
  const [profile, setProfile] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<BatchConfirm | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const readiness = useStore((s) => (profile ? (s.readiness[profile] ?? null) : null));
  const readinessLoaded = useStore((s) => s.readinessLoaded);

  const n = Number(count);
  const valid = Number.isInteger(n) && n > 0 && n <= 1000 && profile !== '';

  const create = async () => {
    setConfirm(null);
    setBusy(true);
    setError(null);
    const r = await createBatch(profile, n);
    setBusy(false);
    if (!r.ok) setError(r.error.message);
    else {
      setCreated(`Batch created: the next ${n} machines that boot get ${profile}.`);
      const st = useStore.getState();
      st.setBatches([...Object.values(st.batches).filter((b) => b.id !== r.value.id), r.value]);
    }
  };
  const submit = () => {
    if (!valid) return;
    setCreated(null);
    const waiting = Object.values(useStore.getState().machines).filter(
      (m) => m.state === 'discovered',
    ).length;
    const notReady = readiness !== null && !readiness.ready;
    if (notReady || waiting > 0) setConfirm({ readiness: notReady ? readiness : null, waiting });
    else void create();
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
    busy,
    error,
    valid,
    n,
    readiness,
    readinessState,
    confirm,
    created,
    cancel: () => setConfirm(null),
    submit,
    create,
  };
}
