import { useState } from 'react';
import type { MachineSummary, ProfileReadiness } from '../../../main/api/contract';
import { readinessSentence } from '../components/readiness-note';
import { useStore } from '../store';
import { assignMachine, machineAction, wakeMachine } from '../api/machines';
import { ConfirmDialog } from '../components/confirm';
import { ProfilePicker } from '../components/profile-picker';
import { openTerminal } from '../terminal/open-terminal';

type Pending =
  | { kind: 'reset' }
  | { kind: 'mark-done' }
  | { kind: 'reassign'; profile: string; readiness: ProfileReadiness | null; unassigned: boolean };

/** Assign or reassign, reset, mark done; the destructive ones ask first. */
export function MachineActions({ machine }: { machine: MachineSummary }) {
  const [profile, setProfile] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const run = async (label: string, p: ReturnType<typeof machineAction>) => {
    setBusy(true);
    setMessage(null);
    const r = await p;
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: label } : { ok: false, text: r.error.message });
  };
  const unassigned = machine.state === 'discovered';
  const assign = () => {
    const r = useStore.getState().readiness[profile];
    const readiness = r && !r.ready ? r : null;
    if (unassigned && !readiness)
      void run(`Assigned to ${profile}.`, assignMachine(machine.id, profile));
    else setPending({ kind: 'reassign', profile, readiness, unassigned });
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
        onClick={() => setPending({ kind: 'reset' })}
      >
        Reset…
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="action-mark-done"
        disabled={busy || machine.state === 'done' || unassigned}
        onClick={() => setPending({ kind: 'mark-done' })}
      >
        Mark done…
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="action-wake"
        disabled={busy}
        title="Wake-on-LAN: a magic packet on the bench network"
        onClick={() => {
          setBusy(true);
          setMessage(null);
          void wakeMachine(machine.id).then((r) => {
            setBusy(false);
            setMessage(
              r.ok
                ? {
                    ok: true,
                    text: `Wake-on-LAN sent to ${r.value.macs.join(', ')} (${r.value.to}).`,
                  }
                : { ok: false, text: r.error.message },
            );
          });
        }}
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
      {message ? (
        <span
          className={message.ok ? 'ok-text' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="action-message"
        >
          {message.text}
        </span>
      ) : null}
      {pending?.kind === 'reset' ? (
        <ConfirmDialog
          title="Reset this machine?"
          body="Its deployment starts over: the next network boot installs the OS again and wipes the disk."
          confirmLabel="Reset and deploy again"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setPending(null);
            void run(
              'Reset: it deploys again on its next network boot.',
              machineAction(machine.id, 'reset'),
            );
          }}
        />
      ) : pending?.kind === 'mark-done' ? (
        <ConfirmDialog
          title="Mark this machine done?"
          body="The steps not run yet are left out, and the next network boot starts from the local disk. The report shows it was marked done by hand."
          confirmLabel="Mark done"
          onCancel={() => setPending(null)}
          onConfirm={() => {
            setPending(null);
            void run('Marked done.', machineAction(machine.id, 'done'));
          }}
        />
      ) : pending?.kind === 'reassign' ? (
        <ConfirmDialog
          title={`${pending.unassigned ? 'Assign' : 'Reassign'} to ${pending.profile}?`}
          body={[
            pending.readiness
              ? `${pending.profile} is not ready: ${readinessSentence(pending.readiness)}. This PC would wipe its disk and then stop.`
              : '',
            pending.unassigned
              ? 'Its next network boot installs the OS and wipes the disk.'
              : 'Its current deployment ends; the next network boot installs the new profile from scratch and wipes the disk.',
          ]
            .filter(Boolean)
            .join(' ')}
          confirmLabel={pending.readiness ? 'Assign anyway' : 'Reassign'}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const p = pending.profile;
            setPending(null);
            void run(
              `${pending.unassigned ? 'Assigned' : 'Reassigned'} to ${p}.`,
              assignMachine(machine.id, p),
            );
          }}
        />
      ) : null}
    </div>
  );
}
