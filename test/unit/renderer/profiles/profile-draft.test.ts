import { describe, expect, it } from 'vitest';
import type { ProfileIssue } from '../../../../main/api/contract.js';
import {
  conflictOf,
  draftConflicts,
  draftToKeep,
  initialDraftState,
  isDirty,
  profileDraftReducer,
  type ProfileDraftEvent,
  type ProfileDraftState,
} from '../../../../renderer/src/profiles/profile-draft.js';

const FILE = 'name: Acme\ncustomer:\n  name: Acme Ltd\n';
const EDIT = 'name: Acme office\ncustomer:\n  name: Acme Ltd\n';
const AT = '2026-12-03T10:00:00.000Z';
const FILE_HASH = 'a'.repeat(64);
const EDIT_HASH = 'b'.repeat(64);
const issue: ProfileIssue = {
  file: 'acme.yaml',
  line: 2,
  col: 3,
  message: 'unknown key',
  path: 'x',
};

const conflict = {
  version: 4,
  author: 'Jörg Meier',
  stationId: 'st-2',
  diff: '-name: Acme\n+name: Acme office\n',
  reason: 'The shop has a newer version 4.',
};
const run = (...events: ProfileDraftEvent[]): ProfileDraftState =>
  events.reduce(profileDraftReducer, initialDraftState);
const loaded = (draft: { text: string; base: string } | null = null): ProfileDraftEvent => ({
  type: 'loaded',
  text: FILE,
  textHash: FILE_HASH,
  inherited: { language: 'de-DE' },
  draft: draft ? { ...draft, at: AT } : null,
});

/** The editor from load to save, one event after another, as useProfileDraft feeds it. */
describe('profile editor draft', () => {
  // [what happens, events, what the editor then holds]
  const rows: [string, ProfileDraftEvent[], Partial<ProfileDraftState> & { dirty?: boolean }][] = [
    ['nothing loaded yet', [], { saved: null, text: '', dirty: false }],
    [
      'loaded: the file, clean',
      [loaded()],
      { saved: FILE, text: FILE, dirty: false, offered: null },
    ],
    [
      'a load that fails says why',
      [{ type: 'load-failed', reason: 'Profile acme not found' }],
      { loadError: 'Profile acme not found', saved: null },
    ],
    [
      'an edit makes it dirty',
      [loaded(), { type: 'edited', text: EDIT }],
      { saved: FILE, text: EDIT, dirty: true },
    ],
    [
      'editing back to the file is clean again',
      [loaded(), { type: 'edited', text: EDIT }, { type: 'edited', text: FILE }],
      { dirty: false },
    ],
    ['loaded: the next save starts from the file’s hash', [loaded()], { baseHash: FILE_HASH }],
    [
      'saved: the next save starts from the saved text’s hash',
      [loaded(), { type: 'save-done', text: EDIT, textHash: EDIT_HASH, version: 3 }],
      { baseHash: EDIT_HASH },
    ],
    [
      'a refused save keeps the base it started from',
      [loaded(), { type: 'edited', text: EDIT }, { type: 'save-refused', issues: [], reason: 'x' }],
      { baseHash: FILE_HASH },
    ],
    [
      'a reply without a hash: no base sent next (not a stale one)',
      [loaded(), { type: 'save-done', text: EDIT, textHash: null, version: 3 }],
      { baseHash: null },
    ],
    [
      'a kept draft that differs is offered',
      [loaded({ text: EDIT, base: FILE })],
      { offered: { text: EDIT, base: FILE, at: AT }, text: FILE, dirty: false },
    ],
    [
      'a kept draft equal to the file is not offered',
      [loaded({ text: FILE, base: FILE })],
      { offered: null },
    ],
    [
      'restoring or discarding closes the offer',
      [loaded({ text: EDIT, base: FILE }), { type: 'draft-closed' }],
      { offered: null },
    ],
    [
      'saving: busy, the old message gone',
      [loaded(), { type: 'edited', text: EDIT }, { type: 'save-started' }],
      { saving: true, message: null, dirty: true },
    ],
    [
      'refused with issues: counted, listed, file unchanged',
      [
        loaded(),
        { type: 'edited', text: EDIT },
        { type: 'save-started' },
        { type: 'save-refused', issues: [issue, issue], reason: 'invalid profile' },
      ],
      {
        saving: false,
        issues: [issue, issue],
        saved: FILE,
        dirty: true,
        message: {
          ok: false,
          text: 'Not saved: 2 problems in the profile. The file on the station is unchanged.',
        },
      },
    ],
    [
      'refused with one issue: singular',
      [loaded(), { type: 'save-refused', issues: [issue], reason: 'x' }],
      {
        message: {
          ok: false,
          text: 'Not saved: 1 problem in the profile. The file on the station is unchanged.',
        },
      },
    ],
    [
      'refused without issues: the station’s reason',
      [loaded(), { type: 'save-refused', issues: [], reason: 'the disk is full' }],
      { issues: [], message: { ok: false, text: 'Not saved: the disk is full' } },
    ],
    [
      'saved: clean, the version said, issues cleared, history reloads',
      [
        loaded(),
        { type: 'edited', text: EDIT },
        { type: 'save-refused', issues: [issue], reason: 'x' },
        { type: 'save-started' },
        { type: 'save-done', text: EDIT, textHash: EDIT_HASH, version: 7 },
      ],
      {
        saved: EDIT,
        dirty: false,
        issues: [],
        saving: false,
        savedCount: 1,
        message: { ok: true, text: 'Saved as version 7.' },
      },
    ],
    [
      'typing during the save stays unsaved',
      [
        loaded(),
        { type: 'edited', text: EDIT },
        { type: 'save-started' },
        { type: 'edited', text: `${EDIT}# more\n` },
        { type: 'save-done', text: EDIT, textHash: EDIT_HASH, version: 8 },
      ],
      { saved: EDIT, text: `${EDIT}# more\n`, dirty: true },
    ],
    [
      'undo all changes clears issues and the message',
      [
        loaded(),
        { type: 'edited', text: EDIT },
        { type: 'save-refused', issues: [issue], reason: 'x' },
        { type: 'reverted' },
      ],
      { issues: [], message: null },
    ],
    [
      'refused by the shop: a newer shared version, the diff kept, the edit still dirty',
      [
        loaded(),
        { type: 'edited', text: EDIT },
        { type: 'save-started' },
        { type: 'save-conflict', conflict },
      ],
      {
        saving: false,
        saved: FILE,
        text: EDIT,
        dirty: true,
        conflict,
        message: {
          ok: false,
          text: 'Not saved: The shop has a newer version 4. Your edit is kept; the differences are below.',
        },
      },
    ],
    [
      'a save after the conflict clears it',
      [
        loaded(),
        { type: 'save-conflict', conflict },
        { type: 'save-done', text: EDIT, textHash: EDIT_HASH, version: 5 },
      ],
      { conflict: null },
    ],
    [
      'undo all changes clears the conflict',
      [loaded(), { type: 'save-conflict', conflict }, { type: 'reverted' }],
      { conflict: null },
    ],
  ];
  it.each(rows)('%s', (_name, events, want) => {
    const s = run(...events);
    const { dirty, ...fields } = want;
    expect(s).toMatchObject(fields);
    if (dirty !== undefined) expect(isDirty(s)).toBe(dirty);
  });

  // [error code, details, conflict read from them]
  const details: [string, unknown, ReturnType<typeof conflictOf>][] = [
    [
      'profile_conflict',
      {
        diff: conflict.diff,
        current: { version: 4, author: 'Jörg Meier', stationId: 'st-2', hash: 'x', savedAt: AT },
      },
      conflict,
    ],
    ['profile_conflict', { current: { version: 4 } }, null],
    ['profile_conflict', null, null],
    ['invalid_profile', { diff: 'x', current: {} }, null],
  ];
  it.each(details)('reads a %s refusal', (code, d, want) => {
    expect(conflictOf(code, conflict.reason, d)).toEqual(want);
  });

  it('flags an offered draft made from an older file', () => {
    expect(draftConflicts(run(loaded({ text: EDIT, base: FILE })))).toBe(false);
    expect(draftConflicts(run(loaded({ text: EDIT, base: 'name: Old\n' })))).toBe(true);
    expect(draftConflicts(run(loaded()))).toBe(false);
  });

  // [situation, state, what the draft store should hold]
  const keeps: [string, ProfileDraftState, ReturnType<typeof draftToKeep>][] = [
    ['not loaded: leave the store alone', run(), 'keep'],
    ['an earlier draft is offered: leave it', run(loaded({ text: EDIT, base: FILE })), 'keep'],
    ['clean: nothing kept', run(loaded()), null],
    [
      'dirty: the edit and its base',
      run(loaded(), { type: 'edited', text: EDIT }),
      { text: EDIT, base: FILE, at: AT },
    ],
    [
      'saved: nothing kept',
      run(
        loaded(),
        { type: 'edited', text: EDIT },
        { type: 'save-done', text: EDIT, textHash: EDIT_HASH, version: 2 },
      ),
      null,
    ],
  ];
  it.each(keeps)('draft store: %s', (_name, s, want) => {
    expect(draftToKeep(s, AT)).toEqual(want);
  });
});
