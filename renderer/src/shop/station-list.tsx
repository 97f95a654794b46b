import type { ShopStation } from '../../../main/shop/view/contract';
import { clock } from '../lib/format';

/**
 * One card per station: online, or offline since its last word; the events it holds that
 * the shop does not have yet (its backlog: it keeps deploying while cut off, then catches up).
 */
export function StationList({
  stations,
  selected,
  onSelect,
}: {
  stations: ShopStation[];
  selected: string | null;
  onSelect: (id: string | null) => void;
}) {
  if (stations.length === 0) {
    return (
      <p className="muted" data-testid="shop-no-stations">
        No station has shipped to this database yet. Start a station with --database and the same
        URL.
      </p>
    );
  }
  return (
    <ul className="shop-stations" data-testid="shop-stations">
      {stations.map((s) => (
        <li
          key={s.id}
          className={`shop-station ${s.online ? 'online' : 'offline'}${selected === s.id ? ' selected' : ''}`}
          data-testid={`shop-station-${s.name}`}
        >
          <button
            type="button"
            onClick={() => onSelect(selected === s.id ? null : s.id)}
            aria-pressed={selected === s.id}
          >
            <strong>{s.name}</strong>
          </button>{' '}
          <span data-testid="shop-station-online">
            {s.online ? 'Online' : s.lastSeen ? `Offline since ${clock(s.lastSeen)}` : 'Never seen'}
          </span>
          {' · '}
          <span data-testid="shop-station-backlog" title="Events the station has not shipped yet">
            {s.backlog === 0 ? 'Up to date' : `${s.backlog} events waiting`}
          </span>
          {s.problem ? (
            <div className="shop-station-problem" role="alert">
              {s.problem}
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
