import type { DriverPack } from '../../../main/api/drivers';
import { api } from '../api/client';
import { outcome, useAction, type ActionMessage } from '../lib/use-action';
import { DriverImport } from './driver-import';
import { useDriverPacks } from './use-driver-packs';

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/**
 * The driver library: packs per vendor and model (WinPE storage/network packs and packs for
 * the installed Windows), the models on the bench that have none, a .cab upload and delete.
 * Folders are imported with `prepstation drivers import FOLDER`.
 */
export function DriversPage() {
  const { packs, loadError, uncovered, reload } = useDriverPacks();
  const action = useAction();
  const said = action.message;
  const error = said && !said.ok ? said.text : loadError;

  // An import reloads the list when it worked; a delete reloads it either way.
  const importPack = (send: () => Promise<ActionMessage | null>) =>
    void action.run(async () => {
      const m = await send();
      if (m?.ok) await reload();
      return m;
    });
  const remove = (id: string) =>
    void action.run(async () => {
      const r = await api<{ id: string }>(`/api/v1/drivers/${encodeURIComponent(id)}`, {
        method: 'DELETE',
      });
      await reload();
      return outcome(r, null);
    });

  return (
    <section className="page" data-testid="drivers-page">
      <h1>Drivers</h1>
      <p className="lead">
        Driver packs per vendor and model, as the machines report them. WinPE packs (storage,
        network) are loaded before the disk is chosen; the others are added to the installed
        Windows. Profiles can pin or add packs (<span className="mono">drivers:</span>).
      </p>
      {uncovered.length > 0 ? (
        <div className="card warning-card" role="alert" data-testid="drivers-uncovered">
          <strong>Models on the bench without a driver pack:</strong>{' '}
          {uncovered.map((u) => `${u.vendor} ${u.model} (${u.count})`).join(', ')}. Windows installs
          on them get Windows&apos; own drivers only.
        </div>
      ) : null}
      {error ? (
        <div className="card error-card" role="alert" data-testid="drivers-error">
          {error}
        </div>
      ) : null}
      {said?.ok ? <p data-testid="drivers-note">{said.text}</p> : null}
      <DriverImport busy={action.busy} onImport={importPack} />
      <DriverTable packs={packs} onDelete={remove} />
    </section>
  );
}

function DriverTable({
  packs,
  onDelete,
}: {
  packs: DriverPack[] | null;
  onDelete: (id: string) => void;
}) {
  return (
    <table className="table" data-testid="drivers-list">
      <thead>
        <tr>
          <th>Vendor</th>
          <th>Model</th>
          <th>For</th>
          <th>Pack</th>
          <th>Files</th>
          <th>Size</th>
          <th>sha256</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {(packs ?? []).map((p) => (
          <tr key={p.id} data-testid={`driver-${p.id}`}>
            <td>{p.vendor}</td>
            <td>{p.model}</td>
            <td>{p.winpe ? 'WinPE' : 'Windows'}</td>
            <td className="mono">{p.id}</td>
            <td>
              {p.files} ({p.infs} .inf)
            </td>
            <td>{mb(p.bytes)}</td>
            <td className="mono small" title={p.sha256}>
              {p.sha256.slice(0, 12)}
            </td>
            <td>
              <button type="button" className="link" onClick={() => onDelete(p.id)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
        {packs && packs.length === 0 ? (
          <tr>
            <td colSpan={8} className="muted">
              No driver packs yet.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
