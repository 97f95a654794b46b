import type { MachineSummary, RunEstimates } from '../../../main/api/contract.js';

/**
 * ETAs from the medians of each step of past runs (main/machines/estimates.ts): what is
 * left of the current phase or step, plus the typical time of every step after it. A
 * profile's own figures first; an app step it never ran takes the app's median across
 * profiles. Pure, so test/unit/renderer/lib/eta.test.ts covers it.
 */

const since = (iso: string | null | undefined, now: number): number =>
  iso ? Math.max(0, now - Date.parse(iso)) : 0;

/** The OS install's progress: the installer's own where reported, else estimated from time. */
export function osProgress(
  m: MachineSummary,
  est: RunEstimates | null,
  now: number,
): { percent: number; estimated: boolean } | null {
  if (m.state !== 'installing-os') return null;
  if (typeof m.osPercent === 'number') return { percent: m.osPercent, estimated: false };
  // The station's own bar for the OS install (WinPE's phases and apply percentage).
  if (m.progress > 0) return { percent: m.progress, estimated: false };
  const os = m.profile ? est?.profiles[m.profile]?.osMs : null;
  if (!os) return null;
  // Never 100 % from a guess: the machine says when it is done.
  return { percent: Math.min(95, (100 * since(m.stateSince, now)) / os), estimated: true };
}

/** Milliseconds left; 0 means "any minute" (overdue); null when there is nothing to go on. */
export function etaFromRuns(
  m: MachineSummary,
  est: RunEstimates | null,
  now: number,
): number | null {
  if (!est || !m.profile) return null;
  const p = est.profiles[m.profile];
  if (!p) return null;
  const typical = (id: string): number | null => p.steps[id] ?? est.apps[id] ?? null;
  let known = false;
  const add = (ms: number | null): number => {
    if (ms === null) return 0;
    known = true;
    return ms;
  };
  const stepsFrom = (i: number): number =>
    p.order.slice(Math.max(0, i)).reduce((sum, id) => sum + add(typical(id)), 0);
  let left = 0;
  switch (m.state) {
    case 'booting':
      left += add(p.bootMs === null ? null : Math.max(0, p.bootMs - since(m.stateSince, now)));
      left += add(p.osMs) + stepsFrom(0);
      break;
    case 'installing-os': {
      const e = since(m.stateSince, now);
      const pct = m.osPercent;
      // With the installer's own percentage, its pace so far says more than the median.
      if (typeof pct === 'number' && pct >= 5) left += add((e * (100 - pct)) / pct);
      else left += add(p.osMs === null ? null : Math.max(0, p.osMs - e));
      left += stepsFrom(0);
      break;
    }
    case 'provisioning':
    case 'verifying': {
      const i = m.stepId ? p.order.indexOf(m.stepId) : -1;
      if (m.stepId && m.stepStartedAt && i >= 0) {
        const t = typical(m.stepId);
        left += add(t === null ? null : Math.max(0, t - since(m.stepStartedAt, now)));
        left += stepsFrom(i + 1);
      } else left += stepsFrom(m.stepsDone);
      break;
    }
    default:
      // Assigned machines wait for a technician to power them on; the rest are not running.
      return null;
  }
  return known ? Math.round(left) : null;
}
