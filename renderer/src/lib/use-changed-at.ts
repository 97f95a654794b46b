import { useState } from 'react';

/**
 * The time (ms) `value` last changed identity. The Bench sorts with this "now", so rows
 * are re-ordered when a batch of events arrives, not every second while the row clocks
 * tick. Derived state kept the way React documents it: set during render on a change.
 */
export function useChangedAt(value: unknown): number {
  const [stamp, setStamp] = useState(() => ({ of: value, at: Date.now() }));
  if (stamp.of === value) return stamp.at;
  const next = { of: value, at: Date.now() };
  setStamp(next);
  return next.at;
}
