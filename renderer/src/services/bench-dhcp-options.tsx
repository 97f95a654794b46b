import { useEffect, useState } from 'react';
import { fetchDhcpGaps } from '../api/network';
import type { NetworkSettings } from '../api/types';

/**
 * Full-mode DHCP extras: the gateway, DNS and NTP servers handed to machines, and what the
 * bench cannot do while one is missing (said by the station for the saved settings).
 */
export function BenchDhcpOptions(props: {
  draft: NetworkSettings;
  setDraft: (s: NetworkSettings) => void;
}) {
  const { draft, setDraft } = props;
  const [gaps, setGaps] = useState<string[]>([]);
  const saved = `${draft.dhcpRouter ?? ''}|${draft.dhcpDns ?? ''}|${draft.dhcpNtp ?? ''}`;
  useEffect(() => {
    let live = true;
    void fetchDhcpGaps().then((r) => {
      if (live && r.ok) setGaps(r.value);
    });
    return () => {
      live = false;
    };
  }, [saved]);
  const field = (key: 'dhcpRouter' | 'dhcpDns' | 'dhcpNtp', label: string, hint: string) => (
    <>
      <label htmlFor={`dhcp-${key}`}>{label}</label>
      <input
        id={`dhcp-${key}`}
        data-testid={`dhcp-${key}`}
        className="mono"
        placeholder={hint}
        value={draft[key] ?? ''}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value.trim() || null })}
      />
    </>
  );
  return (
    <div className="form-row" data-testid="bench-dhcp-options">
      {field('dhcpRouter', 'Gateway (option 3)', 'none, e.g. 192.168.50.1')}
      {field('dhcpDns', 'DNS servers (option 6)', 'none, e.g. 192.168.50.1, 9.9.9.9')}
      {field('dhcpNtp', 'NTP servers (option 42)', 'none, e.g. 192.168.50.1')}
      {gaps.length > 0 ? (
        <ul className="muted small" data-testid="dhcp-gaps">
          {gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
