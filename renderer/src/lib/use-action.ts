import { useState } from 'react';
import type { Result } from '../../../main/api/contract';

/** What an action came to, in the technician's words: shown beside the button that ran it. */
export interface ActionMessage {
  ok: boolean;
  text: string;
}

/**
 * The message a station reply comes to: `done` (or what it makes of the value) when it
 * worked, the station's own reason when not. A null `done` says nothing on success (the
 * screen shows the change itself).
 */
export function outcome<T>(
  r: Result<T>,
  done: string | ((value: T) => string) | null,
  failed: (reason: string) => string = (reason) => reason,
): ActionMessage | null {
  if (!r.ok) return { ok: false, text: failed(r.error.message) };
  if (done === null) return null;
  return { ok: true, text: typeof done === 'string' ? done : done(r.value) };
}

export interface Action<C> {
  /** An action is under way: its buttons are disabled. */
  busy: boolean;
  /** What the last action came to; null before, while running, or once `scope` changed. */
  message: ActionMessage | null;
  /** What waits for the technician's confirmation (the dialog is open), else null. */
  pending: C | null;
  ask: (what: C) => void;
  cancel: () => void;
  /**
   * Closes the confirmation and runs `work`: busy meanwhile, then its message. Resolves
   * with that message, for a caller that goes on only when it worked.
   */
  run: (work: () => Promise<ActionMessage | null>) => Promise<ActionMessage | null>;
  /** Says something without running anything (e.g. "none of these has failed"). */
  say: (message: ActionMessage | null) => void;
}

/**
 * The "confirm first, run it, show what came of it" pattern of the screens' buttons.
 * `scope` ties a message to what it was about: when it changes (a step's new status) the
 * old message is no longer shown.
 */
export function useAction<C = never>(scope: unknown = null): Action<C> {
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ message: ActionMessage; scope: unknown } | null>(null);
  const [pending, setPending] = useState<C | null>(null);
  const say = (message: ActionMessage | null) => setSaid(message ? { message, scope } : null);
  const run = async (work: () => Promise<ActionMessage | null>) => {
    const at = scope;
    setPending(null);
    setBusy(true);
    setSaid(null);
    const message = await work();
    setBusy(false);
    setSaid(message ? { message, scope: at } : null);
    return message;
  };
  return {
    busy,
    message: said && Object.is(said.scope, scope) ? said.message : null,
    pending,
    // A function-valued C would be taken for an updater: wrap it.
    ask: (what) => setPending(() => what),
    cancel: () => setPending(null),
    run,
    say,
  };
}
