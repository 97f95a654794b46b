import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DriverPack } from '../../../main/api/drivers';
import { api } from '../api/client';
import { useStore } from '../store';
import { selectMachines } from '../store/machines';

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

export interface UncoveredModel {
  vendor: string;
  model: string;
  count: number;
}

/** The driver library as listed by the station, and the bench's models it has nothing for. */
export function useDriverPacks() {
  const [packs, setPacks] = useState<DriverPack[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const machines = useStore(selectMachines);

  const reload = useCallback(async () => {
    const r = await api<DriverPack[]>('/api/v1/drivers');
    if (r.ok) setPacks(r.value);
    else setLoadError(r.error.message);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  // Models on the bench without any pack: Windows installs there get Windows' own drivers.
  const uncovered = useMemo(() => {
    const seen = new Map<string, UncoveredModel>();
    for (const m of Object.values(machines)) {
      if (!m.vendor || !m.model) continue;
      const has = (packs ?? []).some(
        (p) => norm(p.vendor) === norm(m.vendor!) && norm(p.model) === norm(m.model!),
      );
      if (has) continue;
      const key = `${norm(m.vendor)}|${norm(m.model)}`;
      const e = seen.get(key) ?? { vendor: m.vendor, model: m.model, count: 0 };
      e.count += 1;
      seen.set(key, e);
    }
    return [...seen.values()];
  }, [machines, packs]);

  return { packs, loadError, uncovered, reload };
}
