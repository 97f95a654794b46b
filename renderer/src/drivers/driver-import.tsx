import { useRef, useState } from 'react';
import type { DriverPack } from '../../../main/api/drivers';
import { api } from '../api/client';
import { outcome, type ActionMessage } from '../lib/use-action';

/** Sends one .cab with the vendor and model it is for; the station unpacks and indexes it. */
async function importCab(
  file: File,
  vendor: string,
  model: string,
  winpe: boolean,
): Promise<ActionMessage | null> {
  const q = new URLSearchParams({ fileName: file.name, vendor, model, winpe: winpe ? '1' : '0' });
  const r = await api<DriverPack>(`/api/v1/drivers?${q.toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: file,
  });
  return outcome(r, (p) => `Imported ${p.id}: ${p.files} files, ${p.infs} .inf`);
}

/** The upload form: vendor, model, WinPE or Windows, then the file picker. */
export function DriverImport({
  busy,
  onImport,
}: {
  busy: boolean;
  onImport: (send: () => Promise<ActionMessage | null>) => void;
}) {
  const [vendor, setVendor] = useState('');
  const [model, setModel] = useState('');
  const [winpe, setWinpe] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  return (
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
            if (f) onImport(() => importCab(f, vendor, model, winpe));
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
  );
}
