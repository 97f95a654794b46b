import type { MachineState } from '../../../main/api/contract';
import { stateLabels } from '../lib/bench-view';

export function MachineStatePill({ state }: { state: MachineState }) {
  return (
    <span className={`pill state-${state}`} data-testid="machine-state">
      {stateLabels[state]}
    </span>
  );
}
