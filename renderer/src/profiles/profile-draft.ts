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
  /**
   * sha256 of `saved` as the station computed it, sent with the next save as `baseHash`: a
   * shared profile another station saved since is then refused (409), not overwritten.
   */
  baseHash: string | null;
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
  /** The shop refused the save: someone saved a newer shared version first (issue 20). */
  conflict: SaveConflict | null;
}

/** A save refused because the shop's shared version moved on since the edit began. */
export interface SaveConflict {
  /** The shop's current version and who saved it where. */
  version: number;
  author: string;
  stationId: string;
  /** Unified diff from the shop's version to the refused text. */
  diff: string;
  /** The station's own sentence. */
  reason: string;
}

export type ProfileDraftEvent =
  | {
      type: 'loaded';
      text: string;
      textHash: string | null;
      inherited: Record<string, string>;
      draft: Draft | null;
    }
  | { type: 'load-failed'; reason: string }
  | { type: 'edited'; text: string }
  | { type: 'save-started' }
  | { type: 'save-refused'; issues: ProfileIssue[]; reason: string }
  | { type: 'save-conflict'; conflict: SaveConflict }
  | { type: 'save-done'; text: string; textHash: string | null; version: number }
  | { type: 'reverted' }
  | { type: 'draft-closed' };

export const initialDraftState: ProfileDraftState = {
  saved: null,
  baseHash: null,
  text: '',
  inherited: {},
  loadError: null,
  issues: [],
  message: null,
  saving: false,
  offered: null,
  savedCount: 0,
  conflict: null,
};

const problems = (n: number): string => `${n} problem${n === 1 ? '' : 's'}`;

export function profileDraftReducer(s: ProfileDraftState, e: ProfileDraftEvent): ProfileDraftState {
  switch (e.type) {
    case 'loaded':
      return {
        ...s,
        saved: e.text,
        baseHash: e.textHash,
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
        conflict: null,
        message: {
          ok: false,
          text:
            e.issues.length > 0
              ? `Not saved: ${problems(e.issues.length)} in the profile. The file on the station is unchanged.`
              : `Not saved: ${e.reason}`,
        },
      };
    case 'save-conflict':
      // The refused text stays in the editor (and in the station's kept edits): not lost.
      return {
        ...s,
        saving: false,
        issues: [],
        conflict: e.conflict,
        message: {
          ok: false,
          text: `Not saved: ${e.conflict.reason} Your edit is kept; the differences are below.`,
        },
      };
    case 'save-done':
      // `text` is what was sent: typing during the save leaves those changes unsaved.
      return {
        ...s,
        saving: false,
        issues: [],
        conflict: null,
        saved: e.text,
        baseHash: e.textHash,
        message: { ok: true, text: `Saved as version ${e.version}.` },
        savedCount: s.savedCount + 1,
      };
    case 'reverted':
      return { ...s, issues: [], message: null, conflict: null };
    case 'draft-closed':
      return { ...s, offered: null };
    default:
      return assertNever(e, 'profile draft event');
  }
}

/** Unsaved changes in the editor. */
/**
 * The conflict in a refused save's error details (the shop library's 409
 * `profile_conflict`), or null when the details are not one.
 */
export function conflictOf(code: string, reason: string, details: unknown): SaveConflict | null {
  if (code !== 'profile_conflict' || typeof details !== 'object' || details === null) return null;
  const d = details as { diff?: unknown; current?: Record<string, unknown> };
  if (typeof d.diff !== 'string' || typeof d.current !== 'object' || d.current === null)
    return null;
  const c = d.current;
  return {
    version: typeof c.version === 'number' ? c.version : 0,
    author: typeof c.author === 'string' ? c.author : '',
    stationId: typeof c.stationId === 'string' ? c.stationId : '',
    diff: d.diff,
    reason,
  };
}

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
