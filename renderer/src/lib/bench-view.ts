import type { MachineState, MachineSummary } from '../../../main/api/contract.js';

/**
 * What the Bench dashboard shows of the machines: filtering, search, sort, the one-line
 * step text. (ETAs: lib/eta.ts.) Pure, so the table tests in test/unit/renderer cover it.
 */

export const machineStates: MachineState[] = [
  'discovered',
  'assigned',
  'booting',
  'installing-os',
  'provisioning',
  'verifying',
  'done',
  'failed',
  'stalled',
];

export const stateLabels: Record<MachineState, string> = {
  discovered: 'Waiting',
  assigned: 'Assigned',
  booting: 'Booting',
  'installing-os': 'Installing OS',
  provisioning: 'Provisioning',
  verifying: 'Verifying',
  done: 'Done',
  failed: 'Failed',
  stalled: 'Stalled',
};

const activeStates = new Set<MachineState>([
  'assigned',
  'booting',
  'installing-os',
  'provisioning',
  'verifying',
]);

export const isActive = (m: MachineSummary): boolean => activeStates.has(m.state);
export const needsAttention = (m: MachineSummary): boolean =>
  m.state === 'failed' || m.state === 'stalled';

/** 'all', a group, or one state. */
export type StateFilter = 'all' | 'active' | 'attention' | MachineState;
export type SortKey = 'attention' | 'name' | 'state' | 'progress' | 'elapsed' | 'updated';

export interface BenchFilter {
  state: StateFilter;
  /** '' for any. */
  customer: string;
  /** '' for any, '-' for machines in no batch. */
  batch: string;
  search: string;
  sort: SortKey;
}

export const defaultFilter: BenchFilter = {
  state: 'all',
  customer: '',
  batch: '',
  search: '',
  sort: 'attention',
};

/** What a technician reads as the machine's name: its name, else serial, else first MAC. */
export function displayName(m: MachineSummary): string {
  return m.name ?? m.serial ?? m.macs[0] ?? m.id;
}

function matchesState(m: MachineSummary, f: StateFilter): boolean {
  if (f === 'all') return true;
  if (f === 'active') return isActive(m);
  if (f === 'attention') return needsAttention(m);
  return m.state === f;
}

function matchesSearch(m: MachineSummary, q: string): boolean {
  if (!q) return true;
  const hay = [
    m.name,
    m.serial,
    m.model,
    m.vendor,
    m.ip,
    m.profile,
    m.customer,
    m.step,
    m.failure?.reason,
    ...m.macs,
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  // Every word must match somewhere; MACs are typed with or without separators.
  return q.split(/\s+/).every((word) => {
    if (hay.includes(word)) return true;
    const bare = word.replace(/[:-]/g, '');
    return bare.length >= 4 && m.macs.some((mac) => mac.replace(/[:-]/g, '').includes(bare));
  });
}

/** Failed and stalled first, then active machines furthest behind, then the rest. */
function attentionRank(m: MachineSummary): number {
  if (m.state === 'failed') return 0;
  if (m.state === 'stalled') return 1;
  if (isActive(m)) return 2;
  if (m.state === 'discovered') return 3;
  return 4;
}

/**
 * One collator for every comparison: localeCompare with options builds a new one per call,
 * which made sorting 500 rows on every event batch cost hundreds of milliseconds.
 */
const byName = new Intl.Collator(undefined, { numeric: true });
const plain = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function compare(a: MachineSummary, b: MachineSummary, key: SortKey, now: number): number {
  switch (key) {
    case 'attention':
      return attentionRank(a) - attentionRank(b) || a.progress - b.progress;
    case 'name':
      return byName.compare(displayName(a), displayName(b));
    case 'state':
      return machineStates.indexOf(a.state) - machineStates.indexOf(b.state);
    case 'progress':
      return b.progress - a.progress;
    case 'elapsed':
      return elapsedMs(b, now) - elapsedMs(a, now);
    case 'updated':
      return plain(b.updatedAt, a.updatedAt);
  }
}

/** The ids to show, in order. Ties keep a stable order by name so rows do not jump. */
export function visibleMachineIds(
  machines: Record<string, MachineSummary>,
  f: BenchFilter,
  now: number,
): string[] {
  const q = f.search.trim().toLowerCase();
  return Object.values(machines)
    .filter(
      (m) =>
        matchesState(m, f.state) &&
        (f.customer === '' || m.customer === f.customer) &&
        (f.batch === '' || (f.batch === '-' ? m.batch === null : m.batch === f.batch)) &&
        matchesSearch(m, q),
    )
    .sort(
      (a, b) =>
        compare(a, b, f.sort, now) ||
        byName.compare(displayName(a), displayName(b)) ||
        plain(a.id, b.id),
    )
    .map((m) => m.id);
}

/**
 * "3 of 9: Installing 7-Zip" while a plan step runs (the running step counts as the k-th);
 * before the agent runs (booting, OS install) or between steps, what the station says,
 * with the count of steps done once there is a plan.
 */
export function stepLine(m: MachineSummary): string {
  if (m.state === 'done') return m.stepsTotal > 0 ? `All ${m.stepsTotal} steps done` : 'Done';
  if (m.state === 'discovered') return 'Waiting for a profile';
  // The failed step is named once, in the reason (whyLine); here only how far it got.
  if (m.state === 'failed') {
    return m.stepsTotal > 0 ? `${m.stepsDone} of ${m.stepsTotal} steps done` : 'Failed';
  }
  const beforeAgent =
    m.state === 'assigned' || m.state === 'booting' || m.state === 'installing-os';
  if (m.stepsTotal === 0 || beforeAgent) return m.step ?? stateLabels[m.state];
  if (m.stepId && m.step) {
    const k = Math.min(m.stepsDone + 1, m.stepsTotal);
    return `${k} of ${m.stepsTotal}: ${m.step}`;
  }
  const done = `${m.stepsDone} of ${m.stepsTotal} done`;
  return m.step ? `${done}: ${m.step}` : done;
}

/** "No word for 25 min while installing the OS". */
const stallPhrases: Record<MachineState, string> = {
  discovered: 'waiting for a profile',
  assigned: 'waiting to network-boot',
  booting: 'booting the installer',
  'installing-os': 'installing the OS',
  provisioning: 'provisioning',
  verifying: 'verifying',
  done: 'done',
  failed: 'failed',
  stalled: 'stalled',
};

/** Why a failed or stalled machine needs a technician, in one line. */
export function whyLine(m: MachineSummary, now: number): string | null {
  if (m.state === 'failed') {
    const reason = m.failure?.reason ?? 'no reason given';
    return m.failure?.step ? `${m.failure.step}: ${reason}` : reason;
  }
  // Before an installer runs, the station's guess why the network boot went nowhere.
  if (m.bootHint && ['discovered', 'assigned', 'booting'].includes(m.state)) {
    return m.bootHint.reason;
  }
  if (m.driverWarning && m.state !== 'stalled') return m.driverWarning;
  if (m.state === 'stalled') {
    const silent = m.lastSeenAt ? now - Date.parse(m.lastSeenAt) : null;
    const where = m.stalledIn ? ` while ${stallPhrases[m.stalledIn]}` : '';
    return silent !== null
      ? `No word for ${Math.round(silent / 60000)} min${where}`
      : `No word${where}`;
  }
  return null;
}

/** Time since the deployment started; finished machines stop their clock at the last update. */
export function elapsedMs(m: MachineSummary, now: number): number {
  if (!m.startedAt) return 0;
  const end = m.state === 'done' || m.state === 'failed' ? Date.parse(m.updatedAt) : now;
  return Math.max(0, end - Date.parse(m.startedAt));
}

/** The distinct customers and batches present, for the filter menus. */
export function facets(machines: Record<string, MachineSummary>): {
  customers: string[];
  batches: string[];
} {
  const customers = new Set<string>();
  const batches = new Set<string>();
  for (const m of Object.values(machines)) {
    if (m.customer) customers.add(m.customer);
    if (m.batch) batches.add(m.batch);
  }
  return { customers: [...customers].sort(), batches: [...batches].sort() };
}

/** Counts per state for the summary strip. */
export function stateCounts(
  machines: Record<string, MachineSummary>,
): Record<MachineState, number> {
  const c = Object.fromEntries(machineStates.map((s) => [s, 0])) as Record<MachineState, number>;
  for (const m of Object.values(machines)) c[m.state]++;
  return c;
}
