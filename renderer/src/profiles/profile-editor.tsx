import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProfileIssue } from '../../../main/api/contract';
import { fetchProfile, fetchSchema, issuesOf, saveProfile } from '../api/profiles';
import { dropDraft, loadDraft, storeDraft, type Draft } from '../lib/drafts';
import { formFields, readForm, resolvedForm, writeField } from '../lib/profile-form';
import { clock } from '../lib/format';
import { useStore } from '../store';
import { ReadinessNote } from '../components/readiness-note';
import { ProfileHistory } from './profile-history';
import { ProfilePreview } from './profile-preview';
import type { YamlEditorHandle } from './yaml-editor';

// CodeMirror and the schema tooling are most of the bundle: load them when a profile opens.
const YamlEditor = lazy(() => import('./yaml-editor').then((m) => ({ default: m.YamlEditor })));

let schemaCache: Record<string, unknown> | null = null;

type Tab = 'edit' | 'history' | 'preview';

/** One profile: the form and YAML editor, its history with diffs, and a rendered preview. */
export function ProfileEditor({ id }: { id: string }) {
  const summary = useStore((s) => s.profiles.find((p) => p.id === id));
  const readiness = useStore((s) => s.readiness[id] ?? null);
  const [saved, setSaved] = useState<string | null>(null);
  const [inherited, setInherited] = useState<Record<string, string>>({});
  const [text, setText] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [schema, setSchema] = useState(schemaCache);
  const [issues, setIssues] = useState<ProfileIssue[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [tab, setTab] = useState<Tab>('edit');
  const [offered, setOffered] = useState<Draft | null>(null);
  const [historyKey, setHistoryKey] = useState(0);
  const editor = useRef<YamlEditorHandle>(null);

  useEffect(() => {
    let live = true;
    void fetchProfile(id).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setLoadError(r.error.message);
        return;
      }
      setSaved(r.value.text);
      setText(r.value.text);
      setInherited(resolvedForm(r.value.profile));
      const d = loadDraft(id);
      if (d && d.text !== r.value.text) setOffered(d);
      else if (d) dropDraft(id);
    });
    if (!schemaCache) {
      void fetchSchema().then((r) => {
        if (r.ok && live) {
          schemaCache = r.value;
          setSchema(r.value);
        }
      });
    }
    return () => {
      live = false;
    };
  }, [id]);

  const dirty = saved !== null && text !== saved;
  // Every change is kept as a draft at once, so no way of leaving loses it.
  useEffect(() => {
    if (saved === null || offered) return;
    if (dirty) storeDraft(id, { text, base: saved, at: new Date().toISOString() });
    else dropDraft(id);
  }, [id, text, saved, dirty, offered]);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const save = useCallback(async () => {
    if (saving) return;
    setSaving(true);
    setMessage(null);
    const r = await saveProfile(id, text);
    setSaving(false);
    if (!r.ok) {
      const found = issuesOf(r.error.details);
      setIssues(found);
      setMessage({
        ok: false,
        text:
          found.length > 0
            ? `Not saved: ${found.length} problem${found.length === 1 ? '' : 's'} in the profile. The file on the station is unchanged.`
            : `Not saved: ${r.error.message}`,
      });
      return;
    }
    setIssues([]);
    setSaved(text);
    dropDraft(id);
    setMessage({ ok: true, text: `Saved as version ${r.value.version.version}.` });
    setHistoryKey((k) => k + 1);
    void useStore.getState().loadProfiles();
  }, [id, text, saving]);

  const form = useMemo(() => readForm(text), [text]);
  const setField = (key: string, value: string) => {
    const next = writeField(text, key, value);
    if (next !== null) editor.current?.replace(next);
  };

  if (loadError) {
    return (
      <section className="page" data-testid="profile-editor">
        <p>
          <a href="#/profiles">← Profiles</a>
        </p>
        <p className="error" role="alert">
          {loadError}
        </p>
      </section>
    );
  }
  if (saved === null) return <p className="muted">Loading the profile…</p>;

  return (
    <section className="page profile-editor" data-testid="profile-editor">
      <p className="crumbs">
        <a href="#/profiles" data-testid="back-to-profiles">
          ← Profiles
        </a>
      </p>
      <div className="toolbar">
        <h1>{summary?.name ?? id}</h1>
        {summary?.extends ? <span className="muted">extends {summary.extends}</span> : null}
        {dirty ? (
          <span className="tag" data-testid="profile-dirty">
            unsaved changes
          </span>
        ) : null}
      </div>
      <ReadinessNote readiness={readiness} testId="editor-readiness" />
      {offered ? (
        <div className="warning" data-testid="draft-offer">
          You have unsaved changes to this profile from {clock(offered.at)}
          {offered.base !== saved ? ' (the file has changed on the station since)' : ''}.{' '}
          <button
            type="button"
            data-testid="draft-restore"
            onClick={() => {
              editor.current?.replace(offered.text);
              setOffered(null);
            }}
          >
            Restore them
          </button>{' '}
          <button
            type="button"
            className="secondary"
            data-testid="draft-discard"
            onClick={() => {
              dropDraft(id);
              setOffered(null);
            }}
          >
            Discard them
          </button>
        </div>
      ) : null}
      <div className="tabs">
        {(['edit', 'history', 'preview'] as const).map((t) => (
          <button
            key={t}
            type="button"
            className={tab === t ? 'tab on' : 'tab'}
            data-testid={`profile-tab-${t}`}
            onClick={() => setTab(t)}
          >
            {t === 'edit' ? 'Edit' : t === 'history' ? 'History' : 'Preview'}
          </button>
        ))}
      </div>

      <div className="profile-edit" hidden={tab !== 'edit'}>
        <div className="profile-form card" data-testid="profile-form">
          {form === null ? (
            <p className="muted small">The form needs YAML that parses; fix the text first.</p>
          ) : (
            formFields.map((f) => (
              <label key={f.key} className="field">
                <span>{f.label}</span>
                <input
                  data-testid={`field-${f.key}`}
                  value={form[f.key] ?? ''}
                  placeholder={
                    inherited[f.key] ? `${inherited[f.key]} (from the base)` : f.placeholder
                  }
                  onChange={(e) => setField(f.key, e.target.value)}
                />
              </label>
            ))
          )}
          <p className="muted small">
            Apps, configuration and checks are edited in the YAML; Ctrl+Space completes keys.
          </p>
        </div>
        <div className="profile-yaml">
          <Suspense fallback={<p className="muted small">Loading the editor…</p>}>
            <YamlEditor
              ref={editor}
              initial={saved}
              schema={schema}
              issues={issues}
              onChange={setText}
              onSave={() => void save()}
            />
          </Suspense>
        </div>
      </div>
      {tab === 'edit' ? (
        <div className="save-bar">
          <button
            type="button"
            data-testid="profile-save"
            disabled={!dirty || saving}
            onClick={() => void save()}
            title="Ctrl+S"
          >
            {saving ? 'Saving…' : 'Save (Ctrl+S)'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!dirty}
            onClick={() => {
              editor.current?.replace(saved);
              setIssues([]);
              setMessage(null);
            }}
          >
            Undo all changes
          </button>
          {message ? (
            <span
              className={message.ok ? 'ok-text' : 'error'}
              role={message.ok ? 'status' : 'alert'}
              data-testid="profile-message"
            >
              {message.text}
            </span>
          ) : null}
        </div>
      ) : null}
      {tab === 'edit' && issues.length > 0 ? (
        <ul className="issues" data-testid="profile-issue-list">
          {issues.map((i, n) => (
            <li key={n}>
              <button
                type="button"
                className="link mono"
                onClick={() => editor.current?.goTo(i.line, i.col)}
              >
                line {i.line}:{i.col}
              </button>{' '}
              {i.path ? <span className="mono muted">{i.path}: </span> : null}
              {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {tab === 'history' ? <ProfileHistory key={historyKey} id={id} /> : null}
      {tab === 'preview' ? <ProfilePreview id={id} text={text} /> : null}
    </section>
  );
}
