import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fetchPreview, issuesOf, type Preview, type PreviewMachine } from '../api/profiles';
import { displayName } from '../lib/bench-view';
import { useStore } from '../store';
import { selectPreviewMachines } from '../store/machines';

/**
 * What the profile renders to (answer file, iPXE script, WinPE files) for a sample machine
 * or a real one on the bench, from the text in the editor, saved or not. Secrets and the
 * machine token show masked.
 */
export function ProfilePreview({ id, text }: { id: string; text: string }) {
  const machines = useStore(useShallow(selectPreviewMachines(id)));
  const [machine, setMachine] = useState('');
  const [firmware, setFirmware] = useState<'uefi' | 'bios'>('uefi');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [file, setFile] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const render = async () => {
    setBusy(true);
    setError(null);
    const m = machines.find((x) => x.id === machine);
    const pm: PreviewMachine | undefined = m
      ? {
          id: m.id,
          macs: m.macs,
          ...(m.serial ? { serial: m.serial } : {}),
          ...(m.vendor ? { vendor: m.vendor } : {}),
          ...(m.model ? { model: m.model } : {}),
        }
      : undefined;
    const r = await fetchPreview(id, { text, firmware, ...(pm ? { machine: pm } : {}) });
    setBusy(false);
    if (r.ok) {
      setPreview(r.value);
      setFile(0);
    } else {
      setPreview(null);
      const issues = issuesOf(r.error.details);
      setError(
        issues.length > 0
          ? `${r.error.message} ${issues.map((i) => `line ${i.line}: ${i.message}`).join('; ')}`
          : r.error.message,
      );
    }
  };

  const shown = preview?.files[file];
  return (
    <div className="preview" data-testid="profile-preview">
      <div className="toolbar">
        <label>
          For{' '}
          <select
            data-testid="preview-machine"
            value={machine}
            onChange={(e) => setMachine(e.target.value)}
          >
            <option value="">a sample machine</option>
            {machines.map((m) => (
              <option key={m.id} value={m.id}>
                {displayName(m)}
              </option>
            ))}
          </select>
        </label>
        <select
          data-testid="preview-firmware"
          aria-label="Firmware"
          value={firmware}
          onChange={(e) => setFirmware(e.target.value as 'uefi' | 'bios')}
        >
          <option value="uefi">UEFI</option>
          <option value="bios">BIOS</option>
        </select>
        <button
          type="button"
          data-testid="preview-render"
          disabled={busy}
          onClick={() => void render()}
        >
          {busy ? 'Rendering…' : 'Render'}
        </button>
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="preview-error">
          {error}
        </p>
      ) : null}
      {preview && shown ? (
        <>
          <p className="small">
            Hostname <strong className="mono">{preview.hostname}</strong>
            {preview.kernelCommandLine ? (
              <>
                {' '}
                · kernel <span className="mono">{preview.kernelCommandLine}</span>
              </>
            ) : null}
          </p>
          {preview.secrets && preview.secrets.length > 0 ? (
            <p className="small" data-testid="preview-secrets">
              Secrets:{' '}
              {preview.secrets.map((s, i) => (
                <span
                  key={s.name}
                  data-testid={`preview-secret-${s.name}`}
                  data-set={s.set}
                  className={s.set ? 'ok-text' : 'error'}
                >
                  {i > 0 ? ', ' : ''}
                  <span className="mono">{s.name}</span>{' '}
                  {s.set ? 'set (shown as ********)' : 'MISSING: set it on the Secrets screen'}
                </span>
              ))}
            </p>
          ) : null}
          <div className="tabs">
            {preview.files.map((f, i) => (
              <button
                key={f.name}
                type="button"
                className={i === file ? 'tab on' : 'tab'}
                onClick={() => setFile(i)}
              >
                {f.name}
              </button>
            ))}
          </div>
          <pre className="code" data-testid="preview-text">
            {shown.body}
          </pre>
        </>
      ) : (
        <p className="muted small">
          Renders the text in the editor, saved or not. Secrets (passwords, keys) and the
          machine&apos;s token are shown masked; the machine itself gets the real values.
        </p>
      )}
    </div>
  );
}
