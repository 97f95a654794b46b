import { useMemo, useState } from 'react';
import type { BootLogEvent, StoredBootEvent } from '../../../main/api/contract';
import { ChoiceSelect, type Choice } from '../components/choice-select';
import { clock } from '../lib/format';
import { useStore } from '../store';
import { selectBootLog } from '../store/boot-log';
import { useBootHistory } from './use-boot-history';

type Line = Pick<BootLogEvent, 'at' | 'protocol' | 'mac' | 'client' | 'summary'> & { key: string };

type Protocol = BootLogEvent['protocol'];
const protocolChoices: Choice<Protocol | ''>[] = [
  { value: '', label: 'All protocols' },
  ...(['dhcp', 'proxydhcp', 'tftp', 'http'] as const).map((p) => ({
    value: p,
    label: p.toUpperCase(),
  })),
];
/** Lines drawn at once; the store keeps more, the filter reaches them all. */
const SHOWN = 400;

const bare = (mac: string) => mac.toLowerCase().replace(/[^0-9a-f]/g, '');

/** What the station saw of PCs trying to boot: for the PC that does not. */
export function BootLog() {
  const log = useStore(selectBootLog);
  const { clearBootLog: clear } = useStore.getState();
  const [mac, setMac] = useState('');
  const [proto, setProto] = useState<Protocol | ''>('');
  const [paused, setPaused] = useState<BootLogEvent[] | null>(null);
  // With a filter, or when asked, the kept history answers; else the live tail.
  const [historyOn, setHistoryOn] = useState(false);
  const filtered = mac.trim() !== '' || proto !== '';
  const useHistory = (filtered || historyOn) && paused === null;
  const history = useBootHistory(mac, proto, useHistory);

  const lines = useMemo(
    (): Line[] =>
      useHistory
        ? history.events.map((e: StoredBootEvent) => ({ ...e, key: `h${e.id}` }))
        : liveLines(paused ?? log, mac, proto),
    [log, paused, mac, proto, useHistory, history.events],
  );

  return (
    <section className="boot-log" data-testid="boot-log">
      <div className="toolbar">
        <h2>Boot log</h2>
        <input
          data-testid="boot-log-mac"
          placeholder="Filter by MAC or address"
          className="mono"
          value={mac}
          onChange={(e) => setMac(e.target.value)}
        />
        <ChoiceSelect
          testId="boot-log-protocol"
          label="Protocol"
          value={proto}
          choices={protocolChoices}
          onChange={setProto}
        />
        <button
          type="button"
          className="secondary"
          data-testid="boot-log-pause"
          onClick={() => setPaused(paused ? null : log)}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="secondary" onClick={() => clear()}>
          Clear
        </button>
        <label className="check">
          <input
            type="checkbox"
            data-testid="boot-log-history"
            checked={historyOn || filtered}
            disabled={filtered}
            onChange={(e) => setHistoryOn(e.target.checked)}
          />{' '}
          Kept history{filtered ? ' (a filter searches it)' : ''}
        </label>
      </div>
      {useHistory ? (
        <p className="muted small" data-testid="boot-log-source">
          From the station&apos;s kept boot log, newest first
          {history.loading ? ' · loading…' : ''}
          {history.error ? ` · ${history.error}` : ''}
        </p>
      ) : null}
      {lines.length === 0 ? (
        <p className="empty" data-testid="boot-log-empty">
          {useHistory
            ? 'No kept line matches the filter.'
            : log.length === 0
              ? 'No boot request seen yet. Power on a PC on the bench with network boot (F12 or the boot menu); its DHCP, TFTP and HTTP requests show up here.'
              : 'No line matches the filter.'}
        </p>
      ) : (
        <BootLogTable lines={lines} onMac={setMac} />
      )}
      {useHistory && history.more ? (
        <button
          type="button"
          className="secondary"
          data-testid="boot-log-older"
          disabled={history.loading}
          onClick={history.loadOlder}
        >
          Load older lines
        </button>
      ) : null}
    </section>
  );
}

/** The live tail, newest first, filtered by protocol and by MAC or client address. */
function liveLines(src: BootLogEvent[], mac: string, proto: Protocol | ''): Line[] {
  const q = bare(mac);
  const out: Line[] = [];
  for (let i = src.length - 1; i >= 0 && out.length < SHOWN; i--) {
    const e = src[i]!;
    if (proto && e.protocol !== proto) continue;
    if (q && !(e.mac && bare(e.mac).includes(q)) && !e.client.includes(mac.trim())) continue;
    out.push({ ...e, key: `l${e.seq}` });
  }
  return out;
}

/** One row per request; a MAC filters the log to that PC. */
function BootLogTable({ lines, onMac }: { lines: Line[]; onMac: (mac: string) => void }) {
  return (
    <table className="table log-table">
      <thead>
        <tr>
          <th>Time</th>
          <th>Protocol</th>
          <th>MAC</th>
          <th>Client</th>
          <th>What happened</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((e) => (
          <tr key={e.key} data-testid="boot-log-line">
            <td className="mono">{clock(e.at)}</td>
            <td>
              <span className={`proto proto-${e.protocol}`}>{e.protocol.toUpperCase()}</span>
            </td>
            <td className="mono">
              {e.mac ? (
                <button type="button" className="link mono" onClick={() => onMac(e.mac!)}>
                  {e.mac}
                </button>
              ) : (
                '—'
              )}
            </td>
            <td className="mono">{e.client}</td>
            <td>{e.summary}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
