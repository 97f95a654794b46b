import { useMemo, useState } from 'react';
import type { BootLogEvent } from '../../../main/api/contract';
import { clock } from '../lib/format';
import { useStore } from '../store';
import { selectBootLog } from '../store/boot-log';

const protocols: BootLogEvent['protocol'][] = ['dhcp', 'proxydhcp', 'tftp', 'http'];
/** Lines drawn at once; the store keeps more, the filter reaches them all. */
const SHOWN = 400;

const bare = (mac: string) => mac.toLowerCase().replace(/[^0-9a-f]/g, '');

/** What the station saw of PCs trying to boot: for the PC that does not. */
export function BootLog() {
  const log = useStore(selectBootLog);
  const clear = useStore((s) => s.clearBootLog);
  const [mac, setMac] = useState('');
  const [proto, setProto] = useState<'' | BootLogEvent['protocol']>('');
  const [paused, setPaused] = useState<BootLogEvent[] | null>(null);

  const lines = useMemo(() => {
    const q = bare(mac);
    const src = paused ?? log;
    const out: BootLogEvent[] = [];
    for (let i = src.length - 1; i >= 0 && out.length < SHOWN; i--) {
      const e = src[i]!;
      if (proto && e.protocol !== proto) continue;
      if (q && !(e.mac && bare(e.mac).includes(q)) && !e.client.includes(mac.trim())) continue;
      out.push(e);
    }
    return out;
  }, [log, paused, mac, proto]);

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
        <select
          data-testid="boot-log-protocol"
          value={proto}
          onChange={(e) => setProto(e.target.value as typeof proto)}
        >
          <option value="">All protocols</option>
          {protocols.map((p) => (
            <option key={p} value={p}>
              {p.toUpperCase()}
            </option>
          ))}
        </select>
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
      </div>
      {lines.length === 0 ? (
        <p className="empty" data-testid="boot-log-empty">
          {log.length === 0
            ? 'No boot request seen yet. Power on a PC on the bench with network boot (F12 or the boot menu); its DHCP, TFTP and HTTP requests show up here.'
            : 'No line matches the filter.'}
        </p>
      ) : (
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
              <tr key={e.seq} data-testid="boot-log-line">
                <td className="mono">{clock(e.at)}</td>
                <td>
                  <span className={`proto proto-${e.protocol}`}>{e.protocol.toUpperCase()}</span>
                </td>
                <td className="mono">
                  {e.mac ? (
                    <button type="button" className="link mono" onClick={() => setMac(e.mac!)}>
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
      )}
    </section>
  );
}
