import { useState } from 'react';
import type { SecretInfo } from '../../../main/api/contract';
import { ActionNote } from '../components/action-note';
import { ConfirmDialog } from '../components/confirm';
import { clock } from '../lib/format';
import { useSecrets, type SecretsState } from './use-secrets';

/**
 * Secrets that profiles reference by name (admin password, Wi-Fi key, domain join). Values
 * are write-only: set or replace one here; the station never shows it back.
 */
export function SecretsPage() {
  const state = useSecrets();
  const { listing, error, message } = state;
  return (
    <section className="page" data-testid="secrets-page">
      <h1>Secrets</h1>
      <p className="lead">
        Passwords and keys that profiles name (<span className="mono">{'{ secret: name }'}</span>
        ). They are stored encrypted and go only to the machine being deployed; nobody can read a
        value back, here or elsewhere.
      </p>
      {error ? (
        <p className="error" role="alert">
          Could not load the secrets: {error}
        </p>
      ) : null}
      <ActionNote message={message} as="p" testId="secrets-message" />
      {listing && listing.missing.length > 0 ? (
        <div className="card warning-card" data-testid="secrets-missing">
          <h2>Missing: profiles use these, but they are not set</h2>
          <ul className="plain">
            {listing.missing.map((name) => (
              <li key={name} data-testid={`secret-missing-${name}`}>
                <SecretForm name={name} state={state} label="Set" />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {listing ? <SecretTable secrets={listing.secrets} state={state} /> : null}
      <div className="card">
        <h2>Add a secret</h2>
        <SecretForm name={null} state={state} label="Add" />
      </div>
      {listing ? <p className="muted small">Encryption key: {listing.keySource}</p> : null}
    </section>
  );
}

function SecretTable({ secrets, state }: { secrets: SecretInfo[]; state: SecretsState }) {
  const { deleting } = state;
  const [replacing, setReplacing] = useState<string | null>(null);
  if (secrets.length === 0) {
    return (
      <p className="empty" data-testid="secrets-empty">
        No secret is set yet.
      </p>
    );
  }
  return (
    <>
      <table className="table" data-testid="secrets-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Used by</th>
            <th>Changed</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {secrets.map((s) => (
            <tr key={s.name} data-testid={`secret-row-${s.name}`}>
              <td className="mono">{s.name}</td>
              <td data-testid="secret-used-by">
                {s.usedBy.length === 0 ? (
                  <span className="muted">no profile</span>
                ) : (
                  s.usedBy.map((p, i) => (
                    <span key={p}>
                      {i > 0 ? ', ' : ''}
                      <a href={`#/profiles/${encodeURIComponent(p)}`}>{p}</a>
                    </span>
                  ))
                )}
              </td>
              <td className="small">
                {new Date(s.updatedAt).toLocaleDateString()} {clock(s.updatedAt)}
              </td>
              <td>
                {replacing === s.name ? (
                  <SecretForm
                    name={s.name}
                    state={state}
                    label="Replace"
                    onDone={() => setReplacing(null)}
                  />
                ) : (
                  <span className="row-actions">
                    <span className="muted" aria-label="set, hidden">
                      set (hidden)
                    </span>
                    <button
                      type="button"
                      className="small-btn secondary"
                      data-testid="secret-replace"
                      onClick={() => setReplacing(s.name)}
                    >
                      Replace…
                    </button>
                    <button
                      type="button"
                      className="small-btn danger-outline"
                      data-testid="secret-delete"
                      onClick={() => state.askRemove(s)}
                    >
                      Delete…
                    </button>
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting ? (
        <ConfirmDialog
          title={`Delete the secret "${deleting.name}"?`}
          body={
            deleting.usedBy.length > 0
              ? `${deleting.usedBy.join(', ')} use${deleting.usedBy.length === 1 ? 's' : ''} it: their machines cannot be deployed until it is set again.`
              : 'No profile uses it.'
          }
          confirmLabel="Delete"
          onCancel={state.cancelRemove}
          onConfirm={() => state.remove(deleting.name)}
        />
      ) : null}
    </>
  );
}

/** A name (fixed, or typed for a new secret) and a value that is never shown back. */
function SecretForm({
  name,
  state,
  label,
  onDone,
}: {
  name: string | null;
  state: SecretsState;
  label: string;
  onDone?: () => void;
}) {
  const [typedName, setTypedName] = useState('');
  const [value, setValue] = useState('');
  const theName = name ?? typedName.trim();
  const valid = /^[a-z0-9][a-z0-9-]{0,62}$/.test(theName) && value !== '';
  return (
    <form
      className="inline-form"
      data-testid={name ? `secret-form-${name}` : 'secret-form-new'}
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        void state.save(theName, value).then((ok) => {
          if (!ok) return;
          setValue('');
          setTypedName('');
          onDone?.();
        });
      }}
    >
      {name ? (
        <span className="mono">{name}</span>
      ) : (
        <input
          data-testid="secret-name"
          aria-label="Secret name"
          placeholder="name, e.g. admin-password"
          className="mono"
          value={typedName}
          onChange={(e) => setTypedName(e.target.value)}
        />
      )}
      <input
        type="password"
        autoComplete="new-password"
        data-testid="secret-value"
        aria-label={`Value of ${theName || 'the secret'}`}
        placeholder="value"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" data-testid="secret-save" disabled={!valid || state.busy}>
        {label}
      </button>
      {onDone ? (
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      ) : null}
    </form>
  );
}
