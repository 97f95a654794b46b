import { useEffect, useState } from 'react';
import type { StepLog } from '../../../main/api/contract';
import { fetchStepAttempts } from '../api/machines';

/**
 * A step's log grouped by attempt, from the station's step-log endpoint. `version` changes
 * when the step does (status, attempt, new lines): then it is fetched again, so the open
 * log follows the machine without filtering the whole timeline in the page.
 */
export function useStepLog(
  machineId: string,
  stepId: string,
  deployment: number,
  version: string,
  enabled: boolean,
): { log: StepLog | null; error: string | null } {
  const [log, setLog] = useState<StepLog | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // A burst of log batches refetches once, not once per batch.
    const t = setTimeout(() => {
      void fetchStepAttempts(machineId, stepId, deployment).then((r) => {
        if (!live) return;
        if (r.ok) {
          setLog(r.value);
          setError(null);
        } else setError(r.error.message);
      });
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [machineId, stepId, deployment, version, enabled]);
  return { log, error };
}
