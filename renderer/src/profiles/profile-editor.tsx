import { lazy, Suspense, useState } from 'react';
import { ReadinessNote } from '../components/readiness-note';
import { useStore } from '../store';
import { selectProfileSummary } from '../store/profiles';
import { selectReadinessOf } from '../store/readiness';
import {
  ConflictView,
  DraftOffer,
  EditorHead,
  EditorTabs,
  IssueList,
  ProfileFields,
  SaveBar,
  type EditorTab,
} from './profile-editor-parts';
import { ProfileHistory } from './profile-history';
import { ProfilePreview } from './profile-preview';
import { useProfileDraft, useProfileSchema } from './use-profile-draft';

// CodeMirror and the schema tooling are most of the bundle: load them when a profile opens.
const YamlEditor = lazy(() => import('./yaml-editor').then((m) => ({ default: m.YamlEditor })));

/** One profile: the form and YAML editor, its history with diffs, and a rendered preview. */
export function ProfileEditor({ id }: { id: string }) {
  const summary = useStore(selectProfileSummary(id));
  const readiness = useStore(selectReadinessOf(id));
  const schema = useProfileSchema();
  const d = useProfileDraft(id);
  const [tab, setTab] = useState<EditorTab>('edit');

  if (d.loadError) {
    return (
      <section className="page" data-testid="profile-editor">
        <p>
          <a href="#/profiles">← Profiles</a>
        </p>
        <p className="error" role="alert">
          {d.loadError}
        </p>
      </section>
    );
  }
  if (d.saved === null) return <p className="muted">Loading the profile…</p>;

  return (
    <section className="page profile-editor" data-testid="profile-editor">
      <p className="crumbs">
        <a href="#/profiles" data-testid="back-to-profiles">
          ← Profiles
        </a>
      </p>
      <EditorHead name={summary?.name ?? id} base={summary?.extends ?? null} dirty={d.dirty} />
      <ReadinessNote readiness={readiness} testId="editor-readiness" />
      {d.offered ? (
        <DraftOffer
          draft={d.offered}
          conflict={d.draftConflict}
          onRestore={d.restoreDraft}
          onDiscard={d.discardDraft}
        />
      ) : null}
      <EditorTabs tab={tab} onTab={setTab} />

      <div className="profile-edit" hidden={tab !== 'edit'}>
        <ProfileFields form={d.form} inherited={d.inherited} onField={d.setField} />
        <div className="profile-yaml">
          <Suspense fallback={<p className="muted small">Loading the editor…</p>}>
            <YamlEditor
              ref={d.editor}
              initial={d.saved}
              schema={schema}
              issues={d.issues}
              onChange={d.edited}
              onSave={() => void d.save()}
            />
          </Suspense>
        </div>
      </div>
      {tab === 'edit' ? (
        <>
          <SaveBar
            dirty={d.dirty}
            saving={d.saving}
            message={d.message}
            onSave={() => void d.save()}
            onRevert={d.revert}
          />
          <IssueList issues={d.issues} onGoTo={d.goTo} />
          {d.conflict ? <ConflictView conflict={d.conflict} /> : null}
        </>
      ) : null}
      {tab === 'history' ? <ProfileHistory key={d.savedCount} id={id} /> : null}
      {tab === 'preview' ? <ProfilePreview id={id} text={d.text} /> : null}
    </section>
  );
}
