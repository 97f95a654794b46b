import { useState } from 'react';
import type { MachineStep, MachineSummary } from '../../../main/api/contract';
import { fetchPreview } from '../api/profiles';

/**
 * What this machine is given: its plan (the steps the agent runs) and the answer file its
 * installer fetches, rendered by the station for this machine with secrets masked.
 */
export function RenderedView({
  machine,
  steps,
}: {
  machine: MachineSummary;
  steps: MachineStep[];
}) {
  const [what, setWhat] = useState<'answer-file' | 'plan' | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const showAnswerFile = async () => {
    setWhat('answer-file');
    setText(null);
    setError(null);
    if (!machine.profile) {
      setError('No profile assigned: there is no answer file yet.');
      return;
    }
    const r = await fetchPreview(machine.profile, {
      machine: {
        id: machine.id,
        macs: machine.macs,
        ...(machine.serial ? { serial: machine.serial } : {}),
        ...(machine.vendor ? { vendor: machine.vendor } : {}),
        ...(machine.model ? { model: machine.model } : {}),
      },
    });
    if (!r.ok) setError(r.error.message);
    else
      setText(
        r.value.files.map((f) => `# ---- ${f.name} ----\n${f.body}`).join('\n\n') +
          `\n# hostname: ${r.value.hostname}`,
      );
  };
  const plan = steps
    .map(
      (s, i) =>
        `${String(i + 1).padStart(2)}. [${s.kind}] ${s.label}  (${s.id}, retries ${s.retries})`,
    )
    .join('\n');
  return (
    <div className="rendered" data-testid="rendered-view">
      <div className="tabs">
        <button
          type="button"
          className={what === 'plan' ? 'tab on' : 'tab'}
          data-testid="show-plan"
          onClick={() => setWhat('plan')}
        >
          Plan
        </button>
        <button
          type="button"
          className={what === 'answer-file' ? 'tab on' : 'tab'}
          data-testid="show-answer-file"
          onClick={() => void showAnswerFile()}
        >
          Answer file
        </button>
      </div>
      {what === null ? (
        <p className="muted small">
          What the installer and the agent of this machine are given. Passwords and keys show
          masked.
        </p>
      ) : what === 'plan' ? (
        <pre className="code" data-testid="rendered-text">
          {plan || 'No plan: the machine has no profile yet.'}
        </pre>
      ) : error ? (
        <p className="error small" role="alert" data-testid="rendered-error">
          {error}
        </p>
      ) : text === null ? (
        <p className="muted small">Rendering…</p>
      ) : (
        <pre className="code" data-testid="rendered-text">
          {text}
        </pre>
      )}
    </div>
  );
}
