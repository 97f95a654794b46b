import { formatBytes } from '../lib/format';

const labels: Record<string, string> = {
  vendor: 'Vendor',
  model: 'Model',
  serial: 'Serial',
  uuid: 'UUID',
  cpu: 'CPU',
  cores: 'Cores',
  ramBytes: 'RAM',
  os: 'OS',
  osVersion: 'OS version',
  hostname: 'Hostname',
  bios: 'BIOS',
  agentVersion: 'Agent',
  macs: 'MACs',
};

interface Disk {
  name?: unknown;
  model?: unknown;
  sizeBytes?: unknown;
}

const text = (v: unknown): string =>
  v === null || v === undefined
    ? '—'
    : Array.isArray(v)
      ? v.map(text).join(', ')
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** The agent's inventory as a technician reads it: RAM in GiB, disks as a table. */
export function InventoryView({ data }: { data: Record<string, unknown> }) {
  const disks = Array.isArray(data.disks) ? (data.disks as Disk[]) : [];
  const rest = Object.entries(data).filter(([k]) => k !== 'disks');
  return (
    <div data-testid="inventory">
      <dl className="inventory">
        {rest.map(([k, v]) => (
          <div key={k}>
            <dt>{labels[k] ?? k}</dt>
            <dd className="small" data-testid={`inventory-${k}`}>
              {k === 'ramBytes' && typeof v === 'number' ? formatBytes(v) : text(v)}
            </dd>
          </div>
        ))}
      </dl>
      {disks.length > 0 ? (
        <table className="table compact-table" data-testid="inventory-disks">
          <thead>
            <tr>
              <th>Disk</th>
              <th>Model</th>
              <th>Size</th>
            </tr>
          </thead>
          <tbody>
            {disks.map((d, i) => (
              <tr key={`${text(d.name)}-${i}`}>
                <td className="mono">{text(d.name)}</td>
                <td>{text(d.model)}</td>
                <td className="mono">
                  {typeof d.sizeBytes === 'number' ? formatBytes(d.sizeBytes) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
