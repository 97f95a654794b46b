import { useState } from 'react';
import type { MachineSummary, ProfileReadiness, Result } from '../../../main/api/contract';
import { readinessSentence } from '../components/readiness-note';
import { useStore } from '../store';
import { assignMachine, machineAction, wakeMachine } from '../api/machines';
import { ActionNote } from '../components/action-note';
import { ConfirmDialog } from '../components/confirm';
import { assertNever } from '../../../main/util/assert-never';
import { outcome, useAction } from '../lib/use-action';
import { ProfilePicker } from '../components/profile-picker';
import { openTerminal } from '../terminal/open-terminal';

type Pending =
  | { kind: 'reset' }
  | { kind: 'mark-done' }
  | { kind: 'reassign'; profile: string; readiness: ProfileReadiness | null; unassigned: boolean };

/** Assign or reassign, reset, mark done; the destructive ones ask first. */
export function MachineActions({ machine }: { machine: MachineSummary }) {
  const [profile, setProfile] = useState('');
  const action = useAction<Pending>();
  const { busy, pending } = action;
  const asked = pending ? confirmation(pending) : null;

  const run = (label: string, send: () => Promise<Result<unknown>>) =>
    void action.run(async () => outcome(await send(), label));
  const unassigned = machine.state === 'discovered';
  const assign = () => {
    const r = useStore.getState().readiness[profile];
    const readiness = r && !r.ready ? r : null;
    if (unassigned && !readiness)
      run(`Assigned to ${profile}.`, () => assignMachine(machine.id, profile));
    else action.ask({ kind: 'reassign', profile, readiness, unassigned });
  };

  return (
    <div className="machine-actions" data-testid="machine-actions">
      <ProfilePicker
        testId="action-profile"
        label="Profile"
        value={profile}
        onChange={setProfile}
      />
      <button
        type="button"
        data-testid="action-assign"
        disabled={busy || profile === ''}
        onClick={assign}
      >
        {unassigned ? 'Assign' : 'Reassign…'}
      </button>
      <button
        type="button"
        className="danger-outline"
        data-testid="action-reset"
        disabled={busy || unassigned}
        onClick={() => action.ask({ kind: 'reset' })}
      >
        Reset…
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="action-mark-done"
        disabled={busy || machine.state === 'done' || unassigned}
        onClick={() => action.ask({ kind: 'mark-done' })}
      >
        Mark done…
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="action-wake"
        disabled={busy}
        title="Wake-on-LAN: a magic packet on the bench network"
        onClick={() =>
          void action.run(async () =>
            outcome(
              await wakeMachine(machine.id),
              (v) => `Wake-on-LAN sent to ${v.macs.join(', ')} (${v.to}).`,
            ),
          )
        }
      >
        Wake
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="action-terminal"
        disabled={!machine.ip}
        title={machine.ip ? `ssh to ${machine.ip}` : 'Its address is not known yet'}
        onClick={() =>
          openTerminal({
            kind: 'ssh',
            machineId: machine.id,
            // Tabs are named as the technician knows the PC: its name, else its MAC.
            title: machine.name ?? machine.macs[0] ?? machine.ip ?? machine.id,
          })
        }
      >
        Open terminal
      </button>
      <ActionNote message={action.message} testId="action-message" />
      {pending && asked ? (
        <ConfirmDialog
          title={asked.title}
          body={asked.body}
          confirmLabel={asked.confirmLabel}
          onCancel={action.cancel}
          onConfirm={() => run(asked.done, () => sendFor(machine.id, pending))}
        />
      ) : null}
    </div>
  );
}

/** The dialog that asks first, and the message once it is done. */
function confirmation(p: Pending): {
  title: string;
  body: string;
  confirmLabel: string;
  done: string;
} {
  switch (p.kind) {
    case 'reset':
      return {
        title: 'Reset this machine?',
        body: 'Its deployment starts over: the next network boot installs the OS again and wipes the disk.',
        confirmLabel: 'Reset and deploy again',
        done: 'Reset: it deploys again on its next network boot.',
      };
    case 'mark-done':
      return {
        title: 'Mark this machine done?',
        body: 'The steps not run yet are left out, and the next network boot starts from the local disk. The report shows it was marked done by hand.',
        confirmLabel: 'Mark done',
        done: 'Marked done.',
      };
    case 'reassign':
      return {
        title: `${p.unassigned ? 'Assign' : 'Reassign'} to ${p.profile}?`,
        body: [
          p.readiness
            ? `${p.profile} is not ready: ${readinessSentence(p.readiness)}. This PC would wipe its disk and then stop.`
            : '',
          p.unassigned
            ? 'Its next network boot installs the OS and wipes the disk.'
            : 'Its current deployment ends; the next network boot installs the new profile from scratch and wipes the disk.',
        ]
          .filter(Boolean)
          .join(' '),
        confirmLabel: p.readiness ? 'Assign anyway' : 'Reassign',
        done: `${p.unassigned ? 'Assigned' : 'Reassigned'} to ${p.profile}.`,
      };
    default:
      return assertNever(p, 'machine action');
  }
}

const sendFor = (id: string, p: Pending): Promise<Result<unknown>> =>
  p.kind === 'reassign'
    ? assignMachine(id, p.profile)
    : machineAction(id, p.kind === 'reset' ? 'reset' : 'done');
