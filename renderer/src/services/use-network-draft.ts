import { useEffect, useMemo, useState } from 'react';
import { fetchInterfaces, saveNetworkSettings } from '../api/network';
import type { DhcpMode, NetworkInterface, NetworkSettings } from '../api/types';
import { rangeProblem, suggestRange } from '../lib/network';
import { outcome, useAction } from '../lib/use-action';
import { useStore } from '../store';
import { selectNetwork } from '../store/network';

/**
 * The bench network form's state: the station's interfaces, the settings being edited
 * (from the saved ones), what is wrong with them before sending, and the save. Null
 * `draft`/`ifaces` while loading.
 */
export function useNetworkDraft(onSaved?: (s: NetworkSettings) => void) {
  const saved = useStore(selectNetwork);
  const [ifaces, setIfaces] = useState<NetworkInterface[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<NetworkSettings | null>(saved);
  const action = useAction();

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

  const dirty = JSON.stringify(normalize(draft)) !== JSON.stringify(normalize(saved));
  const localProblem = !draft
    ? null
    : draft.dhcpMode !== 'off' && !draft.benchInterface
      ? 'Choose the bench network above first.'
      : draft.dhcpMode === 'full'
        ? rangeProblem(draft.dhcpRange ?? '')
        : null;

  const pick = (iface: NetworkInterface, address: string) => {
    if (!draft) return;
    action.say(null);
    setDraft({ ...draft, benchInterface: iface.name, benchAddress: address });
  };
  const setMode = (dhcpMode: DhcpMode) => {
    if (!draft) return;
    action.say(null);
    let dhcpRange = draft.dhcpRange ?? null;
    if (dhcpMode === 'full' && !dhcpRange && chosenAddr?.family === 'IPv4') {
      dhcpRange = suggestRange(chosenAddr.address, chosenAddr.netmask);
    }
    setDraft({ ...draft, dhcpMode, dhcpRange });
  };
  const save = (d: NetworkSettings) =>
    void action.run(async () => {
      // A half-typed pool is kept in the form but not sent when full mode is not chosen.
      const keepRange = d.dhcpMode === 'full' || (d.dhcpRange && !rangeProblem(d.dhcpRange));
      const r = await saveNetworkSettings({
        ...d,
        dhcpRange: keepRange ? (d.dhcpRange ?? null) : null,
      });
      if (r.ok) {
        useStore.getState().setNetwork(r.value);
        setDraft(r.value);
        onSaved?.(r.value);
      }
      return outcome(r, (s) =>
        s.dhcpMode === 'off'
          ? 'Saved. DHCP is off: no PC will network-boot from this station yet.'
          : 'Saved. The boot services are restarting; their state shows below.',
      );
    });

  return {
    ifaces,
    loadError,
    draft,
    setDraft,
    dirty,
    localProblem,
    pick,
    setMode,
    save,
    revert: () => setDraft(saved),
    saving: action.busy,
    result: action.message,
  };
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
