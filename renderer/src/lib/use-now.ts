import { useEffect, useState } from 'react';
import { useStore } from '../store';
import { selectStreamLostAt } from '../store/session';

/**
 * The current time, refreshed every `ms`: elapsed clocks tick without store writes. While
 * the station does not answer the clocks stand still at the moment it went away: a
 * machine's time keeps running on the station, not on a screen that hears nothing.
 */
export function useNow(ms = 1000): number {
  const lostAt = useStore(selectStreamLostAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (lostAt !== null) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, lostAt]);
  return lostAt ?? now;
}
