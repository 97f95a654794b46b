import { useEffect, useState } from 'react';
import type { AppPackage } from '../../../main/api/contract';
import { fetchApps, importApp } from '../api/profiles';
import { ActionNote } from '../components/action-note';
import { formatBytes } from '../lib/format';
import { outcome, useAction } from '../lib/use-action';

/** Installers the station serves to machines; profiles name them by id. */
export function AppLibrary() {
  const [apps, setApps] = useState<AppPackage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [version, setVersion] = useState('');
  const action = useAction();

  const load = () =>
    void fetchApps().then((r) => {
      if (r.ok) setApps(r.value);
      else setError(r.error.message);
    });
  useEffect(load, []);

  const upload = (f: File) =>
    void action.run(async () => {
      const r = await importApp(f, name, version);
      if (r.ok) {
        setFile(null);
        load();
      }
      return outcome(r, (a) => `Imported ${a.name} ${a.version} as "${a.id}".`);
    });

  return (
    <div className="section" data-testid="app-library">
      <h2>App library</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (file) upload(file);
        }}
      >
        <input
          type="file"
          data-testid="app-file"
          aria-label="Installer file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            if (f && !name) setName(f.name.replace(/\.[^.]+$/, ''));
          }}
        />
        <input
          data-testid="app-name"
          placeholder="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          data-testid="app-version"
          placeholder="Version"
          className="narrow-2"
          value={version}
          onChange={(e) => setVersion(e.target.value)}
        />
        <button
          type="submit"
          data-testid="app-import"
          disabled={!file || !name || !version || action.busy}
        >
          {action.busy ? 'Importing…' : 'Import installer'}
        </button>
        <ActionNote message={action.message} testId="app-message" />
      </form>
      {error ? (
        <p className="error">Could not list the app library: {error}</p>
      ) : apps === null ? (
        <p className="muted">Loading…</p>
      ) : apps.length === 0 ? (
        <p className="empty" data-testid="apps-empty">
          No installer imported yet. Import an MSI or EXE here; a profile then names it with{' '}
          <code>source: {'{ package: <id> }'}</code>.
        </p>
      ) : (
        <table className="table" data-testid="apps-table">
          <thead>
            <tr>
              <th>Id</th>
              <th>Name</th>
              <th>Version</th>
              <th>Size</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((a) => (
              <tr key={a.id} data-testid={`app-row-${a.id}`}>
                <td className="mono">{a.id}</td>
                <td>{a.name}</td>
                <td>{a.version}</td>
                <td>{formatBytes(a.size)}</td>
                <td className="mono small" title={a.sha256}>
                  {a.sha256.slice(0, 16)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
