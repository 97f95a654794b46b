import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fetchPreview, issuesOf, type Preview, type PreviewMachine } from '../api/profiles';
import { ActionNote } from '../components/action-note';
import { ChoiceSelect, type Choice } from '../components/choice-select';
import { displayName } from '../lib/bench-view';
import { useAction } from '../lib/use-action';
import { useStore } from '../store';
import { selectPreviewMachines } from '../store/machines';

type Firmware = 'uefi' | 'bios';
const firmwares: Choice<Firmware>[] = [
  { value: 'uefi', label: 'UEFI' },
  { value: 'bios', label: 'BIOS' },
];

/**
 * What the profile renders to (answer file, iPXE script, WinPE files) for a sample machine
 * or a real one on the bench, from the text in the editor, saved or not. Secrets and the
 * machine token show masked.
 */
export function ProfilePreview({ id, text }: { id: string; text: string }) {
  const machines = useStore(useShallow(selectPreviewMachines(id)));
  const [machine, setMachine] = useState('');
  const [firmware, setFirmware] = useState<Firmware>('uefi');
  const [preview, setPreview] = useState<Preview | null>(null);
  // Counts renders: each new one opens at its first file.
  const [round, setRound] = useState(0);
  const action = useAction();
  const machineChoices: Choice<string>[] = [
    { value: '', label: 'a sample machine' },
    ...machines.map((m) => ({ value: m.id, label: displayName(m) })),
  ];

  // A refusal names the lines of the profile that keep it from rendering.
  const render = () =>
    void action.run(async () => {
      const m = machines.find((x) => x.id === machine);
      const pm: PreviewMachine | undefined = m
        ? {
            id: m.id,
            macs: m.macs,
            ...(m.serial ? { serial: m.serial } : {}),
            ...(m.vendor ? { vendor: m.vendor } : {}),
            ...(m.model ? { model: m.model } : {}),
          }
        : undefined;
      const r = await fetchPreview(id, { text, firmware, ...(pm ? { machine: pm } : {}) });
      setPreview(r.ok ? r.value : null);
      if (r.ok) {
        setRound((n) => n + 1);
        return null;
      }
      const issues = issuesOf(r.error.details);
      return {
        ok: false,
        text:
          issues.length > 0
            ? `${r.error.message} ${issues.map((i) => `line ${i.line}: ${i.message}`).join('; ')}`
            : r.error.message,
      };
    });

  return (
    <div className="preview" data-testid="profile-preview">
      <div className="toolbar">
        <label>
          For{' '}
          <ChoiceSelect
            testId="preview-machine"
            label="Machine"
            value={machine}
            choices={machineChoices}
            onChange={setMachine}
          />
        </label>
        <ChoiceSelect
          testId="preview-firmware"
          label="Firmware"
          value={firmware}
          choices={firmwares}
          onChange={setFirmware}
        />
        <button type="button" data-testid="preview-render" disabled={action.busy} onClick={render}>
          {action.busy ? 'Rendering…' : 'Render'}
        </button>
      </div>
      <ActionNote message={action.message} as="p" testId="preview-error" />
      {preview && preview.files.length > 0 ? (
        <PreviewFiles key={round} preview={preview} />
      ) : (
        <p className="muted small">
          Renders the text in the editor, saved or not. Secrets (passwords, keys) and the
          machine&apos;s token are shown masked; the machine itself gets the real values.
        </p>
      )}
    </div>
  );
}

/** The rendered hostname, kernel line, secrets named, and each file on its own tab. */
function PreviewFiles({ preview }: { preview: Preview }) {
  const [file, setFile] = useState(0);
  const shown = preview.files[file] ?? preview.files[0]!;
  return (
    <>
      <p className="small">
        Hostname <strong className="mono">{preview.hostname}</strong>
        {preview.kernelCommandLine ? (
          <>
            {' '}
            · kernel <span className="mono">{preview.kernelCommandLine}</span>
          </>
        ) : null}
      </p>
      {preview.secrets && preview.secrets.length > 0 ? (
        <p className="small" data-testid="preview-secrets">
          Secrets:{' '}
          {preview.secrets.map((s, i) => (
            <span
              key={s.name}
              data-testid={`preview-secret-${s.name}`}
              data-set={s.set}
              className={s.set ? 'ok-text' : 'error'}
            >
              {i > 0 ? ', ' : ''}
              <span className="mono">{s.name}</span>{' '}
              {s.set ? 'set (shown as ********)' : 'MISSING: set it on the Secrets screen'}
            </span>
          ))}
        </p>
      ) : null}
      <div className="tabs">
        {preview.files.map((f, i) => (
          <button
            key={f.name}
            type="button"
            className={i === file ? 'tab on' : 'tab'}
            onClick={() => setFile(i)}
          >
            {f.name}
          </button>
        ))}
      </div>
      <pre className="code" data-testid="preview-text">
        {shown.body}
      </pre>
    </>
  );
}
