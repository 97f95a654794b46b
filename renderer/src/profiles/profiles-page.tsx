import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { saveProfile } from '../api/profiles';
import { ActionNote } from '../components/action-note';
import { draftIds } from '../lib/drafts';
import { idFromName, newProfileText } from '../lib/profile-form';
import { go } from '../lib/route';
import { outcome, useAction } from '../lib/use-action';
import { useStore } from '../store';
import {
  selectBaseProfiles,
  selectProfiles,
  selectProfilesError,
  selectProfilesLoad,
} from '../store/profiles';
import { selectReadiness } from '../store/readiness';
import { ReadinessNote } from '../components/readiness-note';
import { AppLibrary } from './app-library';
import { ProfileEditor } from './profile-editor';

export function ProfilesPage({ profileId }: { profileId: string | null }) {
  if (profileId) return <ProfileEditor key={profileId} id={profileId} />;
  return <ProfileList />;
}

function ProfileList() {
  const profiles = useStore(useShallow(selectProfiles));
  const load = useStore(selectProfilesLoad);
  const error = useStore(selectProfilesError);
  const readiness = useStore(selectReadiness);
  const [creating, setCreating] = useState(false);
  const drafts = useMemo(() => new Set(draftIds()), []);
  useEffect(() => {
    void useStore.getState().loadProfiles();
    void useStore.getState().loadReadiness();
  }, []);
  const sorted = [...profiles].sort(
    (a, b) => Number(b.abstract) - Number(a.abstract) || a.id.localeCompare(b.id),
  );

  return (
    <section className="page" data-testid="profiles-page">
      <div className="toolbar">
        <h1>Profiles</h1>
        <button type="button" data-testid="profile-new" onClick={() => setCreating(!creating)}>
          New customer profile
        </button>
      </div>
      <p className="lead">
        One profile per customer: the OS, language, apps and settings their PCs get. A customer
        profile extends a base and says only what differs.
      </p>
      {creating ? <NewProfileForm onDone={() => setCreating(false)} /> : null}
      {load === 'error' ? (
        <p className="error" role="alert">
          Could not load the profiles: {error}
        </p>
      ) : load !== 'loaded' && profiles.length === 0 ? (
        <p className="muted">Loading profiles…</p>
      ) : profiles.length === 0 ? (
        <p className="empty" data-testid="profiles-empty">
          No profile yet. Create one from a base with <strong>New customer profile</strong>, or copy
          YAML files into the station&apos;s profiles folder: they show up here by themselves.
        </p>
      ) : (
        <table className="table" data-testid="profiles-table">
          <thead>
            <tr>
              <th>Profile</th>
              <th>Customer</th>
              <th>Base</th>
              <th>OS</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((p) => (
              <tr
                key={p.id}
                data-testid={`profile-row-${p.id}`}
                className={p.ok ? '' : 'row-failed'}
              >
                <td>
                  <a href={`#/profiles/${encodeURIComponent(p.id)}`}>
                    <strong>{p.name ?? p.id}</strong>
                  </a>
                  <div className="muted mono small">{p.id}</div>
                </td>
                <td>{p.customer ?? (p.abstract ? <span className="tag">base</span> : '—')}</td>
                <td className="mono">{p.extends ?? '—'}</td>
                <td>{p.os ?? '—'}</td>
                <td>
                  {p.ok && p.abstract ? (
                    <span className="muted">base</span>
                  ) : p.ok && readiness[p.id] && !readiness[p.id]!.ready ? (
                    <>
                      <span className="warn-text" data-testid="profile-status">
                        Not ready
                      </span>
                      <ReadinessNote readiness={readiness[p.id]!} folded />
                    </>
                  ) : p.ok ? (
                    <span className="ok-text" data-testid="profile-status">
                      Ready
                    </span>
                  ) : (
                    <span className="error" data-testid="profile-issues">
                      {p.issues.length} problem{p.issues.length === 1 ? '' : 's'}:{' '}
                      {p.issues[0] ? `line ${p.issues[0].line}: ${p.issues[0].message}` : ''}
                    </span>
                  )}
                  {drafts.has(p.id) ? <span className="tag"> unsaved edits</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AppLibrary />
    </section>
  );
}

function NewProfileForm({ onDone }: { onDone: () => void }) {
  const bases = useStore(useShallow(selectBaseProfiles));
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [idTouched, setIdTouched] = useState(false);
  const [customer, setCustomer] = useState('');
  const [code, setCode] = useState('');
  const [base, setBase] = useState('');
  const action = useAction();
  const theId = idTouched ? id : idFromName(name || customer);
  const valid =
    /^[a-z0-9][a-z0-9-]{0,62}$/.test(theId) && customer && /^[A-Za-z0-9-]{1,10}$/.test(code);

  // Success leaves this form for the new profile's editor: only a refusal is said here.
  const create = async () => {
    const text = newProfileText({
      id: theId,
      name: name || customer,
      base: base || null,
      customer,
      code,
    });
    const refused = await action.run(async () => outcome(await saveProfile(theId, text), null));
    if (refused) return;
    await useStore.getState().loadProfiles();
    onDone();
    go('profiles', theId);
  };

  return (
    <form
      className="card form new-profile"
      data-testid="new-profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void create();
      }}
    >
      <label htmlFor="np-base">Start from the base</label>
      <select
        id="np-base"
        data-testid="new-profile-base"
        value={base}
        onChange={(e) => setBase(e.target.value)}
      >
        <option value="">(none: a complete profile of its own)</option>
        {bases.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name ?? b.id}
          </option>
        ))}
      </select>
      <label htmlFor="np-customer">Customer</label>
      <input
        id="np-customer"
        data-testid="new-profile-customer"
        value={customer}
        onChange={(e) => setCustomer(e.target.value)}
      />
      <label htmlFor="np-code">Customer code (up to 10 letters or digits, used in hostnames)</label>
      <input
        id="np-code"
        data-testid="new-profile-code"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        className="mono"
      />
      <label htmlFor="np-name">Profile name</label>
      <input
        id="np-name"
        data-testid="new-profile-name"
        value={name}
        placeholder={customer}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor="np-id">Profile id (file name)</label>
      <input
        id="np-id"
        data-testid="new-profile-id"
        className="mono"
        value={theId}
        onChange={(e) => {
          setIdTouched(true);
          setId(e.target.value);
        }}
      />
      <ActionNote message={action.message} as="p" testId="new-profile-error" />
      <div className="actions">
        <button type="submit" data-testid="new-profile-create" disabled={!valid || action.busy}>
          {action.busy ? 'Creating…' : 'Create and edit'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
