import { useState, type FormEvent } from 'react';
import { postJson } from '../api/client';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await postJson<{ ok: true }>('/api/v1/session', { token: token.trim() });
    setBusy(false);
    if (r.ok) onLoggedIn();
    else setError(r.error.message);
  };

  return (
    <main className="login" data-testid="login-page">
      <form onSubmit={submit} className="card">
        <h1>PrepStation</h1>
        <p>
          Enter the station token. It was printed when the station started, and it is in the file{' '}
          <code>ui-token</code> in the station&apos;s data folder.
        </p>
        <label htmlFor="token">Station token</label>
        <input
          id="token"
          data-testid="login-token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          autoFocus
        />
        {error ? (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        ) : null}
        <button type="submit" data-testid="login-submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Open the dashboard'}
        </button>
      </form>
    </main>
  );
}
