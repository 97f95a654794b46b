import { useEffect, useState } from 'react';
import { fetchMachine, fetchTimeline } from '../api/machines';
import { isMilestone } from '../lib/timeline-text';
import { useStore } from '../store';
import { selectOpenMachine, type OpenMachine } from '../store/machine-detail';

/**
 * Opens one machine's detail in the store (its steps, inventory and milestones), which the
 * event stream then keeps current; reloaded on a new deployment, since steps are per
 * deployment, and closed when the page goes. Null until loaded; `error` if it cannot be.
 */
export function useMachineDetail(
  id: string,
  deployment: number | undefined,
): { detail: OpenMachine | null; error: string | null } {
  const open = useStore(selectOpenMachine);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const st = useStore.getState();
    void (async () => {
      const r = await fetchMachine(id);
      if (!live) return;
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      setError(null);
      const t = await fetchTimeline(id);
      if (!live) return;
      if (!st.machines[id]) st.setMachines([...Object.values(st.machines), r.value.machine]);
      st.setOpenMachine({
        id,
        steps: r.value.steps,
        inventory: r.value.inventory,
        // The one pass over the whole log: the store keeps milestones only from here on.
        timeline: t.ok ? t.value.filter(isMilestone) : [],
      });
    })();
    return () => {
      live = false;
    };
  }, [id, deployment]);
  useEffect(() => () => useStore.getState().setOpenMachine(null), []);
  return { detail: open?.id === id ? open : null, error };
}
