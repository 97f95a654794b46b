import type { ShopMachine } from '../../../main/shop/view/contract';
import { MachineStatePill } from '../bench/state-pill';
import { displayName, stepLine } from '../lib/bench-view';
import { clock } from '../lib/format';

/** The shop's machines, each with the station it is on: what each station's bench shows. */
export function ShopMachineTable({ machines }: { machines: ShopMachine[] }) {
  if (machines.length === 0) {
    return (
      <p className="muted" data-testid="shop-no-machines">
        No machines yet.
      </p>
    );
  }
  return (
    <table className="shop-machines" data-testid="shop-machines">
      <thead>
        <tr>
          <th>Station</th>
          <th>Machine</th>
          <th>State</th>
          <th>Step</th>
          <th>Progress</th>
          <th>Profile</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {machines.map((m) => (
          <tr
            key={`${m.stationId}/${m.machineId}`}
            data-testid="shop-machine-row"
            data-station={m.stationName}
            data-machine={m.machineId}
          >
            <td data-testid="shop-machine-station">{m.stationName}</td>
            <td data-testid="shop-machine-name">{displayName(m.summary)}</td>
            <td>
              <MachineStatePill state={m.state} />
            </td>
            <td data-testid="shop-machine-step">
              {m.summary.failure ? m.summary.failure.reason : stepLine(m.summary)}
            </td>
            <td>{m.summary.progress}%</td>
            <td>{m.summary.profile ?? ''}</td>
            <td>{clock(m.summary.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
