/**
 * Unsaved profile edits survive a closed window, a reload or a click elsewhere: the text
 * is kept in localStorage until it is saved or the technician discards it.
 */
export interface Draft {
  text: string;
  /** The file text the edit started from: a draft of an older file is flagged as such. */
  base: string;
  at: string;
}

const key = (id: string) => `prepstation.draft.${id}`;

export function loadDraft(id: string): Draft | null {
  try {
    const raw = localStorage.getItem(key(id));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

export function storeDraft(id: string, d: Draft): void {
  try {
    localStorage.setItem(key(id), JSON.stringify(d));
  } catch {
    // Storage full or refused: the beforeunload prompt still guards this visit.
  }
}

export function dropDraft(id: string): void {
  try {
    localStorage.removeItem(key(id));
  } catch {
    // see storeDraft
  }
}

export function draftIds(): string[] {
  const out: string[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k?.startsWith('prepstation.draft.')) out.push(k.slice('prepstation.draft.'.length));
    }
  } catch {
    // no storage: no drafts
  }
  return out;
}
