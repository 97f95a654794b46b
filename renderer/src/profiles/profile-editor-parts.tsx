import type { ProfileIssue } from '../../../main/api/contract';
import { ActionNote } from '../components/action-note';
import type { Draft } from '../lib/drafts';
import { clock } from '../lib/format';
import { formFields } from '../lib/profile-form';
import type { ActionMessage } from '../lib/use-action';
import type { SaveConflict } from './profile-draft';

/** The profile editor's pieces: they only render what `useProfileDraft` holds. */

export type EditorTab = 'edit' | 'history' | 'preview';
const tabs: { id: EditorTab; label: string }[] = [
  { id: 'edit', label: 'Edit' },
  { id: 'history', label: 'History' },
  { id: 'preview', label: 'Preview' },
];

export function EditorHead({
  name,
  base,
  dirty,
}: {
  name: string;
  base: string | null;
  dirty: boolean;
}) {
  return (
    <div className="toolbar">
      <h1>{name}</h1>
      {base ? <span className="muted">extends {base}</span> : null}
      {dirty ? (
        <span className="tag" data-testid="profile-dirty">
          unsaved changes
        </span>
      ) : null}
    </div>
  );
}

/** Unsaved changes from an earlier visit: restore them into the editor, or drop them. */
export function DraftOffer({
  draft,
  conflict,
  onRestore,
  onDiscard,
}: {
  draft: Draft;
  conflict: boolean;
  onRestore: () => void;
  onDiscard: () => void;
}) {
  return (
    <div className="warning" data-testid="draft-offer">
      You have unsaved changes to this profile from {clock(draft.at)}
      {conflict ? ' (the file has changed on the station since)' : ''}.{' '}
      <button type="button" data-testid="draft-restore" onClick={onRestore}>
        Restore them
      </button>{' '}
      <button type="button" className="secondary" data-testid="draft-discard" onClick={onDiscard}>
        Discard them
      </button>
    </div>
  );
}

export function EditorTabs({ tab, onTab }: { tab: EditorTab; onTab: (t: EditorTab) => void }) {
  return (
    <div className="tabs">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          className={tab === t.id ? 'tab on' : 'tab'}
          data-testid={`profile-tab-${t.id}`}
          onClick={() => onTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The common fields as a form over the same text; a base's values show as placeholders. */
export function ProfileFields({
  form,
  inherited,
  onField,
}: {
  form: Record<string, string> | null;
  inherited: Record<string, string>;
  onField: (key: string, value: string) => void;
}) {
  return (
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
              placeholder={inherited[f.key] ? `${inherited[f.key]} (from the base)` : f.placeholder}
              onChange={(e) => onField(f.key, e.target.value)}
            />
          </label>
        ))
      )}
      <p className="muted small">
        Apps, configuration and checks are edited in the YAML; Ctrl+Space completes keys.
      </p>
    </div>
  );
}

export function SaveBar({
  dirty,
  saving,
  message,
  onSave,
  onRevert,
}: {
  dirty: boolean;
  saving: boolean;
  message: ActionMessage | null;
  onSave: () => void;
  onRevert: () => void;
}) {
  return (
    <div className="save-bar">
      <button
        type="button"
        data-testid="profile-save"
        disabled={!dirty || saving}
        onClick={onSave}
        title="Ctrl+S"
      >
        {saving ? 'Saving…' : 'Save (Ctrl+S)'}
      </button>
      <button type="button" className="secondary" disabled={!dirty} onClick={onRevert}>
        Undo all changes
      </button>
      <ActionNote message={message} testId="profile-message" />
    </div>
  );
}

/** The station's reasons for refusing a save; each jumps to its line and column. */
export function IssueList({
  issues,
  onGoTo,
}: {
  issues: ProfileIssue[];
  onGoTo: (line: number, col: number) => void;
}) {
  if (issues.length === 0) return null;
  return (
    <ul className="issues" data-testid="profile-issue-list">
      {issues.map((i, n) => (
        <li key={n}>
          <button type="button" className="link mono" onClick={() => onGoTo(i.line, i.col)}>
            line {i.line}:{i.col}
          </button>{' '}
          {i.path ? <span className="mono muted">{i.path}: </span> : null}
          {i.message}
        </li>
      ))}
    </ul>
  );
}

/** The shop saved a newer version first: whose, and how the refused edit differs from it. */
export function ConflictView({ conflict }: { conflict: SaveConflict }) {
  return (
    <div className="card warning-card" data-testid="profile-conflict">
      <p>
        The shop has version {conflict.version}
        {conflict.author ? ` by ${conflict.author}` : ''}
        {conflict.stationId ? ` (station ${conflict.stationId})` : ''}, saved after your edit began.
        Your text stays in the editor and is kept on this station. Below: what your text changes
        against the shop&apos;s version.
      </p>
      <pre className="log" data-testid="profile-conflict-diff">
        {conflict.diff}
      </pre>
    </div>
  );
}
