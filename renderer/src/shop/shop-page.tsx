import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store';
import { selectTechnician } from '../store/ui-prefs';
import { clock } from '../lib/format';
import { shopReportHref } from './shop-api';
import { ShopMachineTable } from './shop-machine-table';
import {
  selectShopAttentionCount,
  selectShopLoad,
  selectShopMachineList,
  selectShopStationList,
  selectShopStatus,
} from './shop-slice';
import { StationList } from './station-list';
import { useShopSnapshot } from './use-shop';
import './shop.css';

const formats = [
  { id: 'pdf', label: 'PDF' },
  { id: 'csv', label: 'CSV' },
  { id: 'json', label: 'JSON' },
] as const;

/**
 * The shop view (issue 20): every station that ships to the shop database and every machine
 * on them, live; reports across stations. Read-only: each station stays the authority for
 * its own machines, so actions on a machine are taken on its station's own bench.
 */
export function ShopPage() {
  useShopSnapshot();
  const status = useStore(selectShopStatus);
  const { load, error } = useStore(useShallow(selectShopLoad));
  const stations = useStore(useShallow(selectShopStationList));
  const all = useStore(useShallow(selectShopMachineList));
  const [station, setStation] = useState<string | null>(null);
  // Who works at this browser signs the report; the shop's default when nobody said.
  const technician = useStore(selectTechnician);
  const attention = useStore(selectShopAttentionCount);

  const machines = useMemo(
    () =>
      all
        .filter((m) => station === null || m.stationId === station)
        .sort(
          (a, b) =>
            a.stationName.localeCompare(b.stationName) ||
            b.summary.updatedAt.localeCompare(a.summary.updatedAt),
        ),
    [all, station],
  );
  const stationName = stations.find((s) => s.id === station)?.name ?? null;

  return (
    <section className="page shop-page" data-testid="shop-page">
      <h1>Shop</h1>
      {status && !status.connected ? (
        <div className="station-down" role="alert" data-testid="shop-db-down">
          The shop database ({status.database}) does not answer
          {status.lostAt ? ` since ${clock(status.lostAt)}` : ''}: {status.error}. The stations keep
          deploying and catch up when it is back; this page reconnects by itself.
        </div>
      ) : null}
      {load === 'error' ? (
        <div className="error" role="alert" data-testid="shop-load-error">
          {error}
        </div>
      ) : null}
      <StationList stations={stations} selected={station} onSelect={setStation} />
      <p className="report-links" data-testid="shop-reports">
        Report of {stationName ? `station ${stationName}` : 'all stations'}:{' '}
        {formats.map((f) => (
          <a
            key={f.id}
            href={shopReportHref({
              format: f.id,
              ...(stationName ? { station: station! } : {}),
              ...(technician ? { technician } : {}),
            })}
            download
            data-testid={`shop-report-${f.id}`}
          >
            {f.label}
          </a>
        ))}
      </p>
      <p className="muted small" data-testid="shop-shown">
        {machines.length} machines
        {stationName ? ` on ${stationName}` : ` on ${stations.length} stations`}
        {attention > 0 ? ` · ${attention} failed or stalled in the shop` : ''}
      </p>
      <ShopMachineTable machines={machines} />
    </section>
  );
}
