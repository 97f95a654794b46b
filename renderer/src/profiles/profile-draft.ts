import type { ProfileIssue } from '../../../main/api/contract';
import type { Draft } from '../lib/drafts';
import type { ActionMessage } from '../lib/use-action';
import { assertNever } from '../../../main/util/assert-never';

/**
 * The profile editor's state as a pure reducer, so a test drives it event by event
 * (test/unit/renderer/profiles/profile-draft.test.ts); `useProfileDraft` wires it to the
 * station, the draft store and the editor.
 */
export interface ProfileDraftState {
  /** The file as the station has it; null until loaded. */
  saved: string | null;
  /** The text in the editor. */
  text: string;
  /** Form values the profile gets from its base, shown as placeholders. */
  inherited: Record<string, string>;
  loadError: string | null;
  /** The station's verdict on the last refused save, by line and column. */
  issues: ProfileIssue[];
  message: ActionMessage | null;
  saving: boolean;
  /** Unsaved changes kept from an earlier visit, offered until restored or discarded. */
  offered: Draft | null;
  /** Counts saves, so the history tab reloads after one. */
  savedCount: number;
}

export type ProfileDraftEvent =
  | { type: 'loaded'; text: string; inherited: Record<string, string>; draft: Draft | null }
  | { type: 'load-failed'; reason: string }
  | { type: 'edited'; text: string }
  | { type: 'save-started' }
  | { type: 'save-refused'; issues: ProfileIssue[]; reason: string }
  | { type: 'save-done'; text: string; version: number }
  | { type: 'reverted' }
  | { type: 'draft-closed' };

export const initialDraftState: ProfileDraftState = {
  saved: null,
  text: '',
  inherited: {},
  loadError: null,
  issues: [],
  message: null,
  saving: false,
  offered: null,
  savedCount: 0,
};

const problems = (n: number): string => `${n} problem${n === 1 ? '' : 's'}`;

export function profileDraftReducer(s: ProfileDraftState, e: ProfileDraftEvent): ProfileDraftState {
  switch (e.type) {
    case 'loaded':
      return {
        ...s,
        saved: e.text,
        text: e.text,
        inherited: e.inherited,
        // A kept draft equal to the file is no longer a change: nothing to offer.
        offered: e.draft && e.draft.text !== e.text ? e.draft : null,
      };
    case 'load-failed':
      return { ...s, loadError: e.reason };
    case 'edited':
      return { ...s, text: e.text };
    case 'save-started':
      return { ...s, saving: true, message: null };
    case 'save-refused':
      return {
        ...s,
        saving: false,
        issues: e.issues,
        message: {
          ok: false,
          text:
            e.issues.length > 0
              ? `Not saved: ${problems(e.issues.length)} in the profile. The file on the station is unchanged.`
              : `Not saved: ${e.reason}`,
        },
      };
    case 'save-done':
      // `text` is what was sent: typing during the save leaves those changes unsaved.
      return {
        ...s,
        saving: false,
        issues: [],
        saved: e.text,
        message: { ok: true, text: `Saved as version ${e.version}.` },
        savedCount: s.savedCount + 1,
      };
    case 'reverted':
      return { ...s, issues: [], message: null };
    case 'draft-closed':
      return { ...s, offered: null };
    default:
      return assertNever(e, 'profile draft event');
  }
}

/** Unsaved changes in the editor. */
export const isDirty = (s: Pick<ProfileDraftState, 'saved' | 'text'>): boolean =>
  s.saved !== null && s.text !== s.saved;

/** The offered draft was made from an older file: the station's file changed since. */
export const draftConflicts = (s: ProfileDraftState): boolean =>
  s.offered !== null && s.offered.base !== s.saved;

/**
 * What the draft store should hold now: the edit while there are unsaved changes (every
 * change is kept at once, so no way of leaving loses it), nothing once saved or reverted.
 * 'keep' while a draft from an earlier visit is still offered, so it is not overwritten.
 */
export function draftToKeep(
  s: Pick<ProfileDraftState, 'saved' | 'text' | 'offered'>,
  at: string,
): Draft | 'keep' | null {
  if (s.saved === null || s.offered) return 'keep';
  return isDirty(s) ? { text: s.text, base: s.saved, at } : null;
}
