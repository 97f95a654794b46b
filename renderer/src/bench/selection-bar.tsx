import { useState } from 'react';
import { ActionNote } from '../components/action-note';
import { ConfirmDialog } from '../components/confirm';
import { ForgetButton } from './forget-button';
import { ProfilePicker } from '../components/profile-picker';
import { readinessSentence } from '../components/readiness-note';
import { useSelection, type SelectionConfirm } from './use-selection';

/** Actions on the selected machines shown: assign a profile, retry the failed step, reset. */
export function SelectionBar({ shownIds }: { shownIds: string[] }) {
  const sel = useSelection(shownIds);
  const [profile, setProfile] = useState('');
  if (sel.all.length === 0) return null;
  const n = sel.targets.length;
  const count =
    sel.hidden > 0 ? `${sel.all.length} selected (${sel.hidden} hidden)` : `${n} selected`;

  return (
    <div className="selection-bar" data-testid="selection-bar" role="toolbar">
      <strong data-testid="selection-count">{count}</strong>
      {sel.hidden > 0 ? (
        <span className="warn-text small" data-testid="selection-hidden">
          Actions apply to the {n} shown.
        </span>
      ) : null}
      <ProfilePicker
        testId="selection-profile"
        label="Profile to assign"
        value={profile}
        onChange={setProfile}
      />
      <button
        type="button"
        data-testid="selection-assign"
        disabled={sel.busy || profile === '' || n === 0}
        onClick={() => sel.askAssign(profile)}
      >
        Assign
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="selection-retry"
        disabled={sel.busy || n === 0}
        onClick={sel.retry}
      >
        Retry failed step
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="selection-wake"
        disabled={sel.busy || n === 0}
        title="Wake-on-LAN on the bench network"
        onClick={sel.wake}
      >
        Wake
      </button>
      <button
        type="button"
        className="danger-outline"
        data-testid="selection-reset"
        disabled={sel.busy || n === 0}
        onClick={() => sel.ask({ kind: 'reset' })}
      >
        Reset…
      </button>
      <ForgetButton ids={sel.targets} disabled={sel.busy} />
      <button type="button" className="secondary" onClick={sel.clear}>
        Clear selection (Esc)
      </button>
      <ActionNote message={sel.message} testId="selection-message" />
      {sel.confirm ? (
        <ConfirmDialog
          title={titleOf(sel.confirm, n, sel.all.length, sel.hidden)}
          body={bodyOf(sel.confirm, n, sel.hidden)}
          confirmLabel={
            sel.confirm.kind === 'reset'
              ? 'Reset and deploy again'
              : sel.confirm.readiness
                ? 'Assign anyway'
                : 'Assign'
          }
          onCancel={sel.cancel}
          onConfirm={() =>
            sel.confirm?.kind === 'assign' ? sel.assign(sel.confirm.profile) : sel.reset()
          }
        />
      ) : null}
    </div>
  );
}

function titleOf(c: SelectionConfirm, n: number, all: number, hidden: number): string {
  const what = hidden > 0 ? `${n} shown of ${all} selected (${hidden} hidden)` : `${n} machine(s)`;
  return c.kind === 'reset' ? `Reset ${what}?` : `Assign ${what} to ${c.profile}?`;
}

function bodyOf(c: SelectionConfirm, n: number, hidden: number): string {
  const parts: string[] = [];
  if (c.kind === 'reset') {
    parts.push(
      'Each one starts its deployment over: the next network boot installs the OS again and wipes its disk. What they did so far stays in their history.',
    );
  } else {
    if (c.readiness)
      parts.push(
        `${c.profile} is not ready: ${readinessSentence(c.readiness)}. These PCs would wipe their disk and then stop.`,
      );
    if (c.deploying > 0)
      parts.push(
        `${c.deploying} of the ${n} already have a profile: their deployment starts over with the new one, and the next network boot wipes their disk.`,
      );
    else parts.push('Their next network boot installs the OS and wipes their disk.');
  }
  if (hidden > 0) parts.push(`The ${hidden} selected but hidden by the filters are left alone.`);
  return parts.join(' ');
}
