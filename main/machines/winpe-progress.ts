import { limits } from '../agent/protocol.js';

/**
 * The WinPE progress channel, pure: what deploy.cmd POSTs (docs/agent-protocol.md, "WinPE
 * progress") turned into a log entry, and log entries turned into what the bench shows
 * ("Downloading image 2.1 of 4.7 GB", "Applying image 37 %") and what the report says.
 */

export const WINPE_PHASES = [
  'network',
  'pe-drivers',
  'firmware',
  'disk',
  'partition',
  'download',
  'apply',
  'unattend',
  'drivers',
  'boot',
  'reboot',
] as const;
export type WinpePhase = (typeof WINPE_PHASES)[number];
export const WINPE_STATUSES = ['started', 'progress', 'done', 'skipped', 'failed'] as const;
export type WinpeStatus = (typeof WINPE_STATUSES)[number];

/** What the first report names (rendered constants) and later ones learn (disk, firmware). */
export interface WinpeFacts {
  media?: string;
  edition?: string;
  index?: number;
  image?: string;
  packs?: string[];
  pePacks?: string[];
  firmware?: string;
  disk?: string;
  layout?: string;
}

export interface WinpeEntry {
  kind: 'winpe';
  phase: WinpePhase;
  status: WinpeStatus;
  ip: string;
  /** Percent of this phase (download, apply). */
  percent?: number;
  bytes?: number;
  totalBytes?: number;
  code?: string;
  detail?: string;
  logTail?: string[];
  facts?: WinpeFacts;
}

const LABELS: Record<WinpePhase, string> = {
  network: 'Starting WinPE',
  'pe-drivers': 'Loading WinPE drivers',
  firmware: 'Reading the firmware type',
  disk: 'Choosing the target disk',
  partition: 'Partitioning the disk',
  download: 'Downloading image',
  apply: 'Applying image',
  unattend: 'Writing the answer file',
  drivers: 'Adding driver packs',
  boot: 'Writing the boot files',
  reboot: 'Restarting into Windows',
};

export function winpePhaseLabel(phase: WinpePhase): string {
  return LABELS[phase];
}

/** Where each phase sits in the whole WinPE part, for one progress bar: [from, to] percent. */
const SPAN: Record<WinpePhase, [number, number]> = {
  network: [0, 1],
  'pe-drivers': [1, 2],
  firmware: [2, 3],
  disk: [3, 4],
  partition: [4, 5],
  download: [5, 45],
  apply: [45, 90],
  unattend: [90, 92],
  drivers: [92, 97],
  boot: [97, 99],
  reboot: [99, 99],
};

const MAX_FIELD = 2000;
const num = (v: string | undefined): number | undefined => {
  if (v === undefined || !/^\d{1,15}$/.test(v.trim())) return undefined;
  return Number(v.trim());
};
const text = (v: string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  // One line, printable, bounded: it is shown on the bench and kept in the log.
  // eslint-disable-next-line no-control-regex
  const t = v.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return t ? t.slice(0, MAX_FIELD) : undefined;
};
const list = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(s));

/** DISM draws its bar with CRs: the last "37.0%" in its output is where it is. */
export function dismPercent(out: string): number | undefined {
  // German and other WinPE languages write a decimal comma: "42,0%".
  const all = [...out.matchAll(/(\d{1,3}(?:[.,]\d+)?)\s*%/g)];
  const last = all.at(-1);
  if (!last) return undefined;
  const p = Number(last[1]!.replace(',', '.'));
  return p >= 0 && p <= 100 ? p : undefined;
}

function tail(log: string | undefined): string[] | undefined {
  if (!log) return undefined;
  const lines = log
    .split(/\r?\n|\r/)
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
  return lines.slice(-limits.keptTailLines).map((l) => l.slice(0, 500));
}

export type ParsedReport = { ok: true; entry: WinpeEntry } | { ok: false; message: string };

/**
 * One POSTed form (URL-decoded name/value pairs) to a log entry; `totalBytes` is the image
 * size the machine's download report named (the station keeps it from the `started` one).
 */
export function parseWinpeReport(form: URLSearchParams, ip: string): ParsedReport {
  const phase = form.get('phase') ?? '';
  const status = form.get('status') ?? '';
  if (!(WINPE_PHASES as readonly string[]).includes(phase)) {
    return { ok: false, message: `phase must be one of ${WINPE_PHASES.join(', ')}` };
  }
  if (!(WINPE_STATUSES as readonly string[]).includes(status)) {
    return { ok: false, message: `status must be one of ${WINPE_STATUSES.join(', ')}` };
  }
  const g = (k: string) => form.get(k) ?? undefined;
  const entry: WinpeEntry = {
    kind: 'winpe',
    phase: phase as WinpePhase,
    status: status as WinpeStatus,
    ip,
  };
  const detail = text(g('detail'));
  if (detail) entry.detail = detail;
  const code = text(g('code'));
  if (code) entry.code = code.slice(0, 20);
  const logTail = tail(g('log'));
  if (logTail?.length) entry.logTail = logTail;

  if (phase === 'download') {
    const total = num(g('total'));
    if (total !== undefined) entry.totalBytes = total;
    const bytes = num(g('bytes'));
    const before = num(g('before')) ?? 0;
    if (bytes !== undefined) entry.bytes = before + bytes;
  }
  if (phase === 'apply' && status === 'progress') {
    const p = dismPercent(g('out') ?? '');
    if (p !== undefined) entry.percent = p;
  }
  const facts: WinpeFacts = {};
  const media = text(g('media'));
  if (media) facts.media = media.slice(0, 64);
  const edition = text(g('edition'));
  if (edition) facts.edition = edition.slice(0, 100);
  const index = num(g('index'));
  if (index !== undefined && phase === 'network') facts.index = index;
  const image = g('image');
  if (image === 'wim' || image === 'esd' || image === 'swm') facts.image = image;
  const packs = list(g('packs'));
  if (packs && phase === 'network') facts.packs = packs;
  const pePacks = list(g('pePacks'));
  if (pePacks && phase === 'network') facts.pePacks = pePacks;
  const fw = g('firmware');
  if (fw === 'UEFI' || fw === 'BIOS') facts.firmware = fw;
  const layout = g('layout');
  if (layout === 'gpt' || layout === 'mbr') facts.layout = layout;
  if (phase === 'disk' && status === 'done' && detail) facts.disk = detail;
  if (Object.keys(facts).length > 0) entry.facts = facts;
  return { ok: true, entry };
}

/** What the bench row shows while WinPE works, kept on the machine's view. */
export interface WinpeView {
  phase: WinpePhase;
  status: WinpeStatus;
  /** Of the whole WinPE part (0-99), for the row's bar. */
  percent: number;
  message: string;
  totalBytes: number | null;
  facts: WinpeFacts;
}

const GB = 1e9;
const gb = (n: number) => (n / GB).toFixed(1);

/** Applies one WinPE entry to what the bench shows (pure). */
export function nextWinpeView(prev: WinpeView | null, e: WinpeEntry): WinpeView {
  const totalBytes = e.totalBytes ?? prev?.totalBytes ?? null;
  const facts = { ...(prev?.facts ?? {}), ...(e.facts ?? {}) };
  const [from, to] = SPAN[e.phase];
  let phasePercent = e.status === 'done' || e.status === 'skipped' ? 100 : 0;
  let message = LABELS[e.phase];
  if (e.phase === 'download' && e.bytes !== undefined && totalBytes) {
    phasePercent = Math.min(100, (100 * e.bytes) / totalBytes);
    message = `Downloading image ${gb(e.bytes)} of ${gb(totalBytes)} GB`;
  } else if (e.phase === 'download' && totalBytes && e.status === 'started') {
    message = `Downloading image 0.0 of ${gb(totalBytes)} GB`;
  } else if (e.phase === 'apply' && e.percent !== undefined) {
    phasePercent = e.percent;
    message = `Applying image ${Math.floor(e.percent)} %`;
  } else if (e.status === 'done' && e.phase === 'disk' && e.detail) {
    message = `Target: ${e.detail}`;
  } else if (e.status === 'skipped') {
    message = `${LABELS[e.phase]}: skipped${e.detail ? ` (${e.detail})` : ''}`;
  } else if (e.status === 'failed') {
    message = winpeFailureReason(e);
  }
  if (e.phase === 'download' && e.status === 'progress' && prev?.phase === 'download') {
    // Progress never goes back on the bench, whatever order the reports arrive in.
    phasePercent = Math.max(phasePercent, ((prev.percent - from) * 100) / (to - from));
  }
  return {
    phase: e.phase,
    status: e.status,
    percent: Math.min(99, Math.floor(from + ((to - from) * phasePercent) / 100)),
    message,
    totalBytes,
    facts,
  };
}

export function winpeFailureReason(e: Pick<WinpeEntry, 'phase' | 'code' | 'detail'>): string {
  const code = e.code ? ` (code ${e.code})` : '';
  return `WinPE: ${LABELS[e.phase].toLowerCase()} failed${code}${e.detail ? `: ${e.detail}` : ''}`;
}

/** What a technician does about a WinPE failure, by phase. */
export function winpeFailureFix(phase: WinpePhase): string {
  switch (phase) {
    case 'disk':
      return 'Check the disks in the log: connect an internal disk that fits the profile, or change disk.minSizeGB / disk.model in the profile. Then press Retry.';
    case 'download':
      return 'Check that the medium is still in the media library and that the station is reachable from the bench, then press Retry.';
    case 'apply':
      return 'DISM could not apply the image: see the log (1392: the image file is damaged; import the medium again). Then press Retry.';
    case 'pe-drivers':
    case 'drivers':
      return 'Check the driver pack in the driver library (prepstation drivers list), then press Retry.';
    default:
      return 'See the log on the machine row; the PC waits at a WinPE prompt. Fix the cause, then press Retry.';
  }
}

/**
 * A Windows machine whose WinPE said it got no driver pack for its model: visible on the
 * bench (a silent install with Windows' own drivers only would look fine until handover).
 */
export function winpeDriverWarning(view: {
  winpe: WinpeView | null;
  vendor: string | null;
  model: string | null;
}): string | null {
  const packs = view.winpe?.facts.packs;
  if (!packs || packs.length > 0) return null;
  const model = [view.vendor, view.model].filter(Boolean).join(' ') || 'this model';
  return `No driver pack for ${model}: Windows installs with its own drivers only. Import one on the Drivers screen (prepstation drivers import).`;
}

/** For the report: how long a phase took (first `started` to its `done`), in seconds. */
export function phaseSeconds(
  entries: { at: string; data: { kind: string } }[],
  phase: WinpePhase,
): number | null {
  let start: number | null = null;
  let end: number | null = null;
  for (const e of entries) {
    if (e.data.kind !== 'winpe') continue;
    const d = e.data as WinpeEntry;
    if (d.phase !== phase) continue;
    if (d.status === 'started' && start === null) start = Date.parse(e.at);
    if (d.status === 'done') end = Date.parse(e.at);
  }
  return start !== null && end !== null && end >= start ? Math.round((end - start) / 1000) : null;
}
