import type { ProfileEstimate, RunEstimates } from '../api/contract.js';
import type { Entry } from './types.js';

/**
 * Typical durations from past runs, for ETAs: per profile, the boot (installer handed out
 * to answer file fetched), the OS install (answer file to the agent's first word) and
 * each plan step (first start to success, retries included); per app step id across
 * profiles, for a profile that has not run that app yet. Medians, so one stuck machine
 * does not move them.
 */

/** The id progress reports use for the OS install (WinPE apply, autoinstall events). */
export const OS_STEP_ID = 'os';

interface Deployment {
  profile: string;
  order: string[];
  booting: number | null;
  installing: number | null;
  provisioning: number | null;
  started: Map<string, number>;
}

interface Samples {
  boot: number[];
  os: number[];
  steps: Map<string, number[]>;
  order: string[];
  orderAt: number;
  runs: number;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

const push = <K>(m: Map<K, number[]>, k: K, v: number): void => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export function estimatesFrom(entries: Iterable<Entry>): RunEstimates {
  const current = new Map<string, Deployment>();
  const byProfile = new Map<string, Samples>();
  const apps = new Map<string, number[]>();
  const samples = (p: string): Samples => {
    let s = byProfile.get(p);
    if (!s) {
      s = { boot: [], os: [], steps: new Map(), order: [], orderAt: -1, runs: 0 };
      byProfile.set(p, s);
    }
    return s;
  };
  for (const e of entries) {
    const d = e.data;
    const t = Date.parse(e.at);
    const key = `${e.machineId}#${e.deployment}`;
    if (d.kind === 'assigned') {
      current.set(key, {
        profile: d.profile,
        order: d.steps.map((s) => s.id),
        booting: null,
        installing: null,
        provisioning: null,
        started: new Map(),
      });
      const s = samples(d.profile);
      // The newest plan of the profile gives the step order.
      if (t >= s.orderAt) {
        s.order = d.steps.map((x) => x.id);
        s.orderAt = t;
      }
      continue;
    }
    const dep = current.get(key);
    if (!dep) continue;
    const s = samples(dep.profile);
    switch (d.kind) {
      case 'booting':
        dep.booting ??= t;
        break;
      case 'installing-os':
        if (dep.installing === null) {
          dep.installing = t;
          if (dep.booting !== null) s.boot.push(t - dep.booting);
        }
        break;
      case 'provisioning':
        if (dep.provisioning === null) {
          dep.provisioning = t;
          if (dep.installing !== null) s.os.push(t - dep.installing);
        }
        break;
      case 'step':
        if (d.status === 'started') {
          if (!dep.started.has(d.stepId)) dep.started.set(d.stepId, t);
        } else if (d.status === 'succeeded') {
          const from = dep.started.get(d.stepId);
          if (from !== undefined) {
            push(s.steps, d.stepId, t - from);
            if (d.stepId.startsWith('app-')) push(apps, d.stepId, t - from);
          }
        }
        break;
      case 'done':
        s.runs++;
        break;
      default:
        break;
    }
  }
  const profiles: Record<string, ProfileEstimate> = {};
  for (const [id, s] of byProfile) {
    const steps: Record<string, number> = {};
    for (const [stepId, xs] of s.steps) steps[stepId] = median(xs)!;
    profiles[id] = {
      bootMs: median(s.boot),
      osMs: median(s.os),
      order: s.order,
      steps,
      runs: s.runs,
    };
  }
  const appMedians: Record<string, number> = {};
  for (const [stepId, xs] of apps) appMedians[stepId] = median(xs)!;
  return { profiles, apps: appMedians };
}

/**
 * The estimates, recomputed from the event log at most every `maxAgeMs` (a read of every
 * entry; cheap next to a deployment, never on each request).
 */
export function cachedEstimates(
  entries: () => Iterable<Entry>,
  now: () => number,
  maxAgeMs = 15_000,
): () => RunEstimates {
  let last: { at: number; value: RunEstimates } | null = null;
  return () => {
    const t = now();
    if (!last || t - last.at > maxAgeMs) last = { at: t, value: estimatesFrom(entries()) };
    return last.value;
  };
}
