import type { ServiceState } from '../../../main/api/contract';

const labels: Record<ServiceState, string> = {
  starting: 'Starting',
  running: 'Running',
  stopped: 'Stopped',
  failed: 'Failed',
  disabled: 'Off',
};

export function ServiceStateBadge({ state }: { state: ServiceState }) {
  return (
    <span className={`badge badge-${state}`} data-testid="service-state">
      {labels[state]}
    </span>
  );
}
