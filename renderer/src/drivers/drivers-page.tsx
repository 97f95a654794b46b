import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DriverPack } from '../../../main/drivers/types';
import { api } from '../api/client';
import { useStore } from '../store';
import { selectMachines } from '../store/machines';

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/**
 * The driver library: packs per vendor and model (WinPE storage/network packs and packs for
 * the installed Windows), the models on the bench that have none, a .cab upload and delete.
 * Folders are imported with `prepstation drivers import FOLDER`.
 */
export function DriversPage() {
  const [packs, setPacks] = useState<DriverPack[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [vendor, setVendor] = useState('');
  const [model, setModel] = useState('');
  const [winpe, setWinpe] = useState(false);
  const [busy, setBusy] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const machines = useStore(selectMachines);

  const load = useCallback(async () => {
    const r = await api<DriverPack[]>('/api/v1/drivers');
    if (r.ok) setPacks(r.value);
    else setError(r.error.message);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  // Models on the bench without any pack: Windows installs there get Windows' own drivers.
  const uncovered = useMemo(() => {
    const seen = new Map<string, { vendor: string; model: string; count: number }>();
    for (const m of Object.values(machines)) {
      if (!m.vendor || !m.model) continue;
      const has = (packs ?? []).some(
        (p) => norm(p.vendor) === norm(m.vendor!) && norm(p.model) === norm(m.model!),
      );
      if (has) continue;
      const key = `${norm(m.vendor)}|${norm(m.model)}`;
      const e = seen.get(key) ?? { vendor: m.vendor, model: m.model, count: 0 };
      e.count += 1;
      seen.set(key, e);
    }
    return [...seen.values()];
  }, [machines, packs]);

  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    setNote(null);
    const q = new URLSearchParams({ fileName: file.name, vendor, model, winpe: winpe ? '1' : '0' });
    const r = await api<DriverPack>(`/api/v1/drivers?${q.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: file,
    });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setNote(`Imported ${r.value.id}: ${r.value.files} files, ${r.value.infs} .inf`);
    await load();
  };

  const remove = async (id: string) => {
    const r = await api<{ id: string }>(`/api/v1/drivers/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
    if (!r.ok) setError(r.error.message);
    await load();
  };

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
      {note ? <p data-testid="drivers-note">{note}</p> : null}
      <div className="card">
        <h2>Import a .cab driver pack</h2>
        <div className="form-row">
          <label htmlFor="drv-vendor">Vendor</label>
          <input
            id="drv-vendor"
            data-testid="drivers-vendor"
            placeholder="Dell Inc."
            value={vendor}
            onChange={(e) => setVendor(e.target.value)}
          />
          <label htmlFor="drv-model">Model</label>
          <input
            id="drv-model"
            data-testid="drivers-model"
            placeholder="Latitude 5440"
            value={model}
            onChange={(e) => setModel(e.target.value)}
          />
          <label className="check">
            <input
              type="checkbox"
              data-testid="drivers-winpe"
              checked={winpe}
              onChange={(e) => setWinpe(e.target.checked)}
            />
            For WinPE (storage and network drivers)
          </label>
          <input
            ref={picker}
            type="file"
            accept=".cab"
            hidden
            data-testid="drivers-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void upload(f);
              e.target.value = '';
            }}
          />
          <button
            type="button"
            data-testid="drivers-upload"
            disabled={busy || !vendor.trim() || !model.trim()}
            onClick={() => picker.current?.click()}
          >
            {busy ? 'Importing...' : 'Choose .cab...'}
          </button>
        </div>
      </div>
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
                <button type="button" className="link" onClick={() => void remove(p.id)}>
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
    </section>
  );
}
