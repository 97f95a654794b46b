import type { NetworkSettings } from '../api/types';
import { ActionNote } from '../components/action-note';
import { useStore } from '../store';
import { selectOtherDhcpWarning } from '../store/network';
import { DhcpModeChoice, InterfacePicker, SecureBootChoice } from './network-choices';
import { useNetworkDraft } from './use-network-draft';

/**
 * The bench network choice: which interface and address the station serves PXE on, and
 * the DHCP mode. Used by the Services page and the first-run setup alike.
 */
export function NetworkForm({ onSaved }: { onSaved?: (s: NetworkSettings) => void }) {
  const otherDhcp = useStore(selectOtherDhcpWarning);
  const n = useNetworkDraft(onSaved);
  const { draft, ifaces } = n;

  if (n.loadError) {
    return (
      <p className="error" role="alert" data-testid="network-load-error">
        Could not list the station&apos;s network interfaces: {n.loadError}
      </p>
    );
  }
  if (!ifaces || !draft) return <p className="muted">Looking at the station&apos;s network…</p>;

  return (
    <div className="network-form" data-testid="network-form">
      <InterfacePicker ifaces={ifaces} draft={draft} onPick={n.pick} />
      <DhcpModeChoice
        draft={draft}
        setDraft={n.setDraft}
        otherDhcp={otherDhcp}
        onMode={n.setMode}
      />
      <SecureBootChoice draft={draft} setDraft={n.setDraft} />
      {n.localProblem ? (
        <p className="error small" data-testid="network-problem">
          {n.localProblem}
        </p>
      ) : null}
      <ActionNote
        message={n.result}
        as="p"
        testId={n.result?.ok ? 'network-saved' : 'network-error'}
      />
      <div className="actions">
        <button
          type="button"
          data-testid="network-save"
          disabled={n.saving || !n.dirty || n.localProblem !== null}
          onClick={() => n.save(draft)}
        >
          {n.saving ? 'Saving…' : 'Save and restart the boot services'}
        </button>
        {n.dirty ? (
          <button type="button" className="secondary" onClick={n.revert}>
            Undo changes
          </button>
        ) : null}
      </div>
    </div>
  );
}
