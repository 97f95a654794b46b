import type { DhcpMode, NetworkInterface, NetworkSettings, SecureBootPolicy } from '../api/types';
import { BenchDhcpOptions } from './bench-dhcp-options';

// The bench network form's three choices; each only renders the draft it is given.

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

const v4 = (i: NetworkInterface) => i.addresses.filter((a) => a.family === 'IPv4');

/** The network card (and address) the bench switch is plugged into. */
export function InterfacePicker({
  ifaces,
  draft,
  onPick,
}: {
  ifaces: NetworkInterface[];
  draft: NetworkSettings;
  onPick: (iface: NetworkInterface, address: string) => void;
}) {
  return (
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
                  checked={draft.benchInterface === iface.name && draft.benchAddress === a.address}
                  onChange={() => onPick(iface, a.address)}
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
  );
}

/** Off, proxy or full; in full mode the pool, the options handed out and the override. */
export function DhcpModeChoice({
  draft,
  setDraft,
  otherDhcp,
  onMode,
}: {
  draft: NetworkSettings;
  setDraft: (s: NetworkSettings) => void;
  otherDhcp: string | null;
  onMode: (mode: DhcpMode) => void;
}) {
  return (
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
            onChange={() => onMode(m.id)}
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
  );
}

/** What x64 UEFI PCs are handed first. */
export function SecureBootChoice({
  draft,
  setDraft,
}: {
  draft: NetworkSettings;
  setDraft: (s: NetworkSettings) => void;
}) {
  return (
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
  );
}
