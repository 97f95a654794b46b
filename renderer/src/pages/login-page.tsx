import { useState, type FormEvent } from 'react';
import { postJson } from '../api/client';
import { ActionNote } from '../components/action-note';
import { outcome, useAction } from '../lib/use-action';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [token, setToken] = useState('');
  const action = useAction();

  // Success opens the dashboard: only a refused token is said here.
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await postJson<{ ok: true }>('/api/v1/session', { token: token.trim() });
      if (r.ok) onLoggedIn();
      return outcome(r, null);
    });
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
        <ActionNote message={action.message} as="p" testId="login-error" />
        <button
          type="submit"
          data-testid="login-submit"
          disabled={action.busy || token.trim() === ''}
        >
          {action.busy ? 'Checking…' : 'Open the dashboard'}
        </button>
      </form>
    </main>
  );
}
