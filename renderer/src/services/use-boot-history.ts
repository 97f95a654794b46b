import { useEffect, useState } from 'react';
import type { BootLogEvent, BootLogPage, StoredBootEvent } from '../../../main/api/contract';
import { api } from '../api/client';
import { useStore } from '../store';
import { selectNewestBootSeq } from '../store/boot-log';

export interface BootHistory {
  events: StoredBootEvent[];
  /** More, older lines to load. */
  more: boolean;
  loading: boolean;
  error: string | null;
  loadOlder: () => void;
}

const query = (mac: string, protocol: string, before?: number): string => {
  const p = new URLSearchParams({ limit: '200' });
  if (mac.trim()) p.set('mac', mac.trim());
  if (protocol) p.set('protocol', protocol);
  if (before) p.set('before', String(before));
  return `/api/v1/boot-log?${p.toString()}`;
};

/**
 * The station's kept boot log for a filter, newest first, page by page. A filter reaches
 * back before the page was opened (the live view holds only what arrived since); a new
 * matching line on the stream fetches the first page again.
 */
export function useBootHistory(
  mac: string,
  protocol: '' | BootLogEvent['protocol'],
  enabled: boolean,
): BootHistory {
  const [events, setEvents] = useState<StoredBootEvent[]>([]);
  const [before, setBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Changes when a line arrives: the first page is fetched again (debounced below).
  const newest = useStore(selectNewestBootSeq);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const t = setTimeout(() => {
      setLoading(true);
      void api<BootLogPage>(query(mac, protocol)).then((r) => {
        if (!live) return;
        setLoading(false);
        if (r.ok) {
          setEvents(r.value.events);
          setBefore(r.value.before);
          setError(null);
        } else setError(r.error.message);
      });
    }, 300);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [mac, protocol, enabled, newest]);

  const loadOlder = () => {
    if (before === null) return;
    setLoading(true);
    void api<BootLogPage>(query(mac, protocol, before)).then((r) => {
      setLoading(false);
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      setEvents((prev) => prev.concat(r.value.events));
      setBefore(r.value.before);
    });
  };
  return { events, more: before !== null, loading, error, loadOlder };
}
