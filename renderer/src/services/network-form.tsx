import { useEffect, useMemo, useState } from 'react';
import { fetchInterfaces, saveNetworkSettings } from '../api/network';
import type { DhcpMode, NetworkInterface, NetworkSettings, SecureBootPolicy } from '../api/types';
import { rangeProblem, suggestRange } from '../lib/network';
import { useStore } from '../store';
import { selectNetwork, selectOtherDhcpWarning } from '../store/network';
import { BenchDhcpOptions } from './bench-dhcp-options';

const modes: { id: DhcpMode; title: string; what: string }[] = [
  {
    id: 'off',
    title: 'Off',
    what: 'The station answers no PXE request. Use it while you set up, or when another server boots the PCs.',
  },
  {
    id: 'proxy',
    title: 'Proxy (beside an existing DHCP server)',
    what: 'The office router or server keeps handing out addresses; the station only tells PXE clients what to boot. Safe on a shared network.',
  },
  {
    id: 'full',
    title: 'Full (isolated bench)',
    what: 'The station hands out addresses itself, from the pool below. Only on a bench switch with no other DHCP server: two DHCP servers on one network break it for everyone.',
  },
];

/** What x64 UEFI PCs are handed (docs/secure-boot.md). */
const secureBootChoices: { id: SecureBootPolicy; title: string; what: string }[] = [
  {
    id: 'auto',
    title: 'Automatic',
    what: 'iPXE first (fastest, every OS). A PC whose Secure Boot refuses it is noticed within a minute and gets the signed chain at its next network boot.',
  },
  {
    id: 'signed',
    title: 'Signed chain (Secure Boot on)',
    what: "Microsoft-signed shim, then Debian's signed GRUB and the installer's signed kernel, all over TFTP. Linux installers only; Windows needs its own chain (see docs/secure-boot.md).",
  },
  {
    id: 'ipxe',
    title: 'iPXE only',
    what: 'Unsigned iPXE for every PC: Secure Boot must be off in their firmware.',
  },
];

/**
 * The bench network choice: which interface and address the station serves PXE on, and
 * the DHCP mode. Used by the Services page and the first-run setup alike.
 */
export function NetworkForm({ onSaved }: { onSaved?: (s: NetworkSettings) => void }) {
  const saved = useStore(selectNetwork);
  const { setNetwork } = useStore.getState();
  const otherDhcp = useStore(selectOtherDhcpWarning);
  const [ifaces, setIfaces] = useState<NetworkInterface[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<NetworkSettings | null>(saved);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    void fetchInterfaces().then((r) => {
      if (!live) return;
      if (r.ok) setIfaces(r.value);
      else setLoadError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    if (saved && draft === null) setDraft(saved);
  }, [saved, draft]);
  // Started with --bench-address but no interface: that address names the bench network,
  // so it is chosen already; saving confirms it.
  useEffect(() => {
    if (!ifaces || !draft || draft.benchInterface || !draft.benchAddress) return;
    const iface = ifaces.find((i) => i.addresses.some((a) => a.address === draft.benchAddress));
    if (iface) setDraft({ ...draft, benchInterface: iface.name });
  }, [ifaces, draft]);

  const chosen = useMemo(
    () => ifaces?.find((i) => i.name === draft?.benchInterface) ?? null,
    [ifaces, draft?.benchInterface],
  );
  const chosenAddr = chosen?.addresses.find((a) => a.address === draft?.benchAddress) ?? null;

  if (loadError) {
    return (
      <p className="error" role="alert" data-testid="network-load-error">
        Could not list the station&apos;s network interfaces: {loadError}
      </p>
    );
  }
  if (!ifaces || !draft) return <p className="muted">Looking at the station&apos;s network…</p>;

  const dirty = JSON.stringify(normalize(draft)) !== JSON.stringify(normalize(saved));
  const pick = (iface: NetworkInterface, address: string) => {
    setResult(null);
    setDraft({ ...draft, benchInterface: iface.name, benchAddress: address });
  };
  const setMode = (dhcpMode: DhcpMode) => {
    setResult(null);
    let dhcpRange = draft.dhcpRange ?? null;
    if (dhcpMode === 'full' && !dhcpRange && chosenAddr?.family === 'IPv4') {
      dhcpRange = suggestRange(chosenAddr.address, chosenAddr.netmask);
    }
    setDraft({ ...draft, dhcpMode, dhcpRange });
  };
  const localProblem =
    draft.dhcpMode !== 'off' && !draft.benchInterface
      ? 'Choose the bench network above first.'
      : draft.dhcpMode === 'full'
        ? rangeProblem(draft.dhcpRange ?? '')
        : null;

  const save = async () => {
    setSaving(true);
    setResult(null);
    // A half-typed pool is kept in the form but not sent when full mode is not chosen.
    const keepRange =
      draft.dhcpMode === 'full' || (draft.dhcpRange && !rangeProblem(draft.dhcpRange));
    const r = await saveNetworkSettings({
      ...draft,
      dhcpRange: keepRange ? (draft.dhcpRange ?? null) : null,
    });
    setSaving(false);
    if (!r.ok) {
      setResult({ ok: false, text: r.error.message });
      return;
    }
    setNetwork(r.value);
    setDraft(r.value);
    setResult({
      ok: true,
      text:
        r.value.dhcpMode === 'off'
          ? 'Saved. DHCP is off: no PC will network-boot from this station yet.'
          : 'Saved. The boot services are restarting; their state shows below.',
    });
    onSaved?.(r.value);
  };

  const v4 = (i: NetworkInterface) => i.addresses.filter((a) => a.family === 'IPv4');
  return (
    <div className="network-form" data-testid="network-form">
      <fieldset className="ifaces">
        <legend>Bench network</legend>
        <p className="muted small">
          The network card the bench switch is plugged into. The station answers PXE only there.
        </p>
        {ifaces.length === 0 ? (
          <p className="empty">This station has no network interface with an address.</p>
        ) : null}
        {ifaces.map((iface) => (
          <div
            key={iface.name}
            className={`iface ${draft.benchInterface === iface.name ? 'chosen' : ''}`}
            data-testid={`iface-${iface.name}`}
          >
            <div className="iface-head">
              <strong className="mono">{iface.name}</strong>
              <span className="muted mono">{iface.mac ?? ''}</span>
              {iface.internal ? <span className="tag">loopback: tests only</span> : null}
            </div>
            {v4(iface).length === 0 ? (
              <div className="muted small">No IPv4 address: give it one first.</div>
            ) : (
              v4(iface).map((a) => (
                <label key={a.address} className="check">
                  <input
                    type="radio"
                    name="bench-address"
                    data-testid={`iface-${iface.name}-${a.address}`}
                    checked={
                      draft.benchInterface === iface.name && draft.benchAddress === a.address
                    }
                    onChange={() => pick(iface, a.address)}
                  />
                  <span className="mono">
                    {a.address}
                    {a.cidr ? <span className="muted"> ({a.cidr})</span> : null}
                  </span>
                </label>
              ))
            )}
          </div>
        ))}
      </fieldset>

      <fieldset className="modes">
        <legend>DHCP mode</legend>
        {otherDhcp ? (
          <div className="warning" role="alert" data-testid="other-dhcp-warning">
            <strong>Another DHCP server answers on this network.</strong> {otherDhcp} Use proxy mode
            here, or unplug the other server before choosing full mode.
          </div>
        ) : null}
        {modes.map((m) => (
          <label key={m.id} className={`mode ${draft.dhcpMode === m.id ? 'chosen' : ''}`}>
            <input
              type="radio"
              name="dhcp-mode"
              data-testid={`dhcp-mode-${m.id}`}
              checked={draft.dhcpMode === m.id}
              onChange={() => setMode(m.id)}
            />
            <span>
              <strong>{m.title}</strong>
              <span className="muted small block">{m.what}</span>
            </span>
          </label>
        ))}
        {draft.dhcpMode === 'full' ? (
          <div className="form-row">
            <label htmlFor="dhcp-range">Address pool</label>
            <input
              id="dhcp-range"
              data-testid="dhcp-range"
              className="mono"
              placeholder="192.168.50.100-192.168.50.199"
              value={draft.dhcpRange ?? ''}
              onChange={(e) => setDraft({ ...draft, dhcpRange: e.target.value })}
            />
            <BenchDhcpOptions draft={draft} setDraft={setDraft} />
            {otherDhcp ? (
              <label className="check">
                <input
                  type="checkbox"
                  data-testid="dhcp-override"
                  checked={draft.dhcpOverride ?? false}
                  onChange={(e) => setDraft({ ...draft, dhcpOverride: e.target.checked })}
                />
                Start full DHCP anyway (I know the other server is not on the bench)
              </label>
            ) : null}
          </div>
        ) : null}
      </fieldset>

      <fieldset className="modes" data-testid="secure-boot">
        <legend>Secure Boot (x64 UEFI PCs)</legend>
        {secureBootChoices.map((c) => (
          <label
            key={c.id}
            className={`mode ${(draft.secureBoot ?? 'auto') === c.id ? 'chosen' : ''}`}
          >
            <input
              type="radio"
              name="secure-boot"
              data-testid={`secure-boot-${c.id}`}
              checked={(draft.secureBoot ?? 'auto') === c.id}
              onChange={() => setDraft({ ...draft, secureBoot: c.id })}
            />
            <span>
              <strong>{c.title}</strong>
              <span className="muted small block">{c.what}</span>
            </span>
          </label>
        ))}
        <p className="muted small" data-testid="http-boot-note">
          PCs set to UEFI HTTP Boot must use PXE (IPv4) when Secure Boot is on: the signed GRUB the
          station hands out reads its configuration, kernel and initrd over TFTP only, and under
          Secure Boot it cannot load an HTTP module. Choose &quot;UEFI PXEv4&quot; (or
          &quot;Network&quot;) in the PC&apos;s boot menu.
        </p>
      </fieldset>

      {localProblem ? (
        <p className="error small" data-testid="network-problem">
          {localProblem}
        </p>
      ) : null}
      {result ? (
        <p
          className={result.ok ? 'ok-text' : 'error'}
          role={result.ok ? 'status' : 'alert'}
          data-testid={result.ok ? 'network-saved' : 'network-error'}
        >
          {result.text}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          data-testid="network-save"
          disabled={saving || !dirty || localProblem !== null}
          onClick={() => void save()}
        >
          {saving ? 'Saving…' : 'Save and restart the boot services'}
        </button>
        {dirty ? (
          <button type="button" className="secondary" onClick={() => setDraft(saved)}>
            Undo changes
          </button>
        ) : null}
      </div>
    </div>
  );
}

function normalize(s: NetworkSettings | null) {
  if (!s) return null;
  return {
    benchInterface: s.benchInterface ?? null,
    benchAddress: s.benchAddress ?? null,
    dhcpMode: s.dhcpMode,
    dhcpRange: s.dhcpMode === 'full' ? (s.dhcpRange ?? null) : null,
    dhcpOverride: s.dhcpOverride ?? false,
    secureBoot: s.secureBoot ?? 'auto',
    dhcpRouter: s.dhcpRouter ?? null,
    dhcpDns: s.dhcpDns ?? null,
    dhcpNtp: s.dhcpNtp ?? null,
  };
}
