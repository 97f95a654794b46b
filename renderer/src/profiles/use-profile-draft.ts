import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { fetchProfile, fetchSchema, issuesOf, saveProfile } from '../api/profiles';
import { dropDraft, loadDraft, storeDraft } from '../lib/drafts';
import { readForm, resolvedForm, writeField } from '../lib/profile-form';
import { useStore } from '../store';
import {
  conflictOf,
  draftConflicts,
  draftToKeep,
  initialDraftState,
  isDirty,
  profileDraftReducer,
} from './profile-draft';
import type { YamlEditorHandle } from './yaml-editor';

/**
 * One profile's text from load to save: the station's file, the edit, the kept draft,
 * the form view of the text, save and revert. The editor stays the owner of the text (undo
 * history): changes from the form, a restored draft or a revert go through `editor.replace`
 * and come back as its onChange.
 */
export function useProfileDraft(id: string) {
  const [state, dispatch] = useReducer(profileDraftReducer, initialDraftState);
  const editor = useRef<YamlEditorHandle>(null);
  const { saved, text, saving, offered, baseHash } = state;
  const dirty = isDirty(state);

  useEffect(() => {
    let live = true;
    void fetchProfile(id).then((r) => {
      if (!live) return;
      if (!r.ok) {
        dispatch({ type: 'load-failed', reason: r.error.message });
        return;
      }
      const draft = loadDraft(id);
      if (draft && draft.text === r.value.text) dropDraft(id);
      dispatch({
        type: 'loaded',
        text: r.value.text,
        textHash: r.value.textHash ?? null,
        inherited: resolvedForm(r.value.profile),
        draft,
      });
    });
    return () => {
      live = false;
    };
  }, [id]);

  // Every change is kept as a draft at once, so no way of leaving loses it.
  useEffect(() => {
    const keep = draftToKeep({ saved, text, offered }, new Date().toISOString());
    if (keep === 'keep') return;
    if (keep) storeDraft(id, keep);
    else dropDraft(id);
  }, [id, text, saved, offered]);
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
    dispatch({ type: 'save-started' });
    const r = await saveProfile(id, text, baseHash ?? undefined);
    if (!r.ok) {
      const conflict = conflictOf(r.error.code, r.error.message, r.error.details);
      if (conflict) dispatch({ type: 'save-conflict', conflict });
      else
        dispatch({
          type: 'save-refused',
          issues: issuesOf(r.error.details),
          reason: r.error.message,
        });
      return;
    }
    dropDraft(id);
    dispatch({
      type: 'save-done',
      text,
      textHash: r.value.textHash ?? null,
      version: r.value.version.version,
    });
    void useStore.getState().loadProfiles();
  }, [id, text, saving, baseHash]);

  const form = useMemo(() => readForm(text), [text]);
  return {
    ...state,
    editor,
    dirty,
    /** The offered draft was made from an older file than the station's. */
    draftConflict: draftConflicts(state),
    /** The form's view of the text; null while the YAML does not parse. */
    form,
    edited: useCallback((t: string) => dispatch({ type: 'edited', text: t }), []),
    save,
    setField: (key: string, value: string) => {
      const next = writeField(text, key, value);
      if (next !== null) editor.current?.replace(next);
    },
    revert: () => {
      if (saved !== null) editor.current?.replace(saved);
      dispatch({ type: 'reverted' });
    },
    restoreDraft: () => {
      if (offered) editor.current?.replace(offered.text);
      dispatch({ type: 'draft-closed' });
    },
    discardDraft: () => {
      dropDraft(id);
      dispatch({ type: 'draft-closed' });
    },
    goTo: (line: number, col: number) => editor.current?.goTo(line, col),
  };
}

export type ProfileDraft = ReturnType<typeof useProfileDraft>;

// The schema is the same for every profile: fetched once per page load.
let schemaCache: Record<string, unknown> | null = null;

/** The profile JSON Schema for the editor's completion and inline checks; null until loaded. */
export function useProfileSchema(): Record<string, unknown> | null {
  const [schema, setSchema] = useState(schemaCache);
  useEffect(() => {
    if (schemaCache) return;
    let live = true;
    void fetchSchema().then((r) => {
      if (r.ok && live) {
        schemaCache = r.value;
        setSchema(r.value);
      }
    });
    return () => {
      live = false;
    };
  }, []);
  return schema;
}
