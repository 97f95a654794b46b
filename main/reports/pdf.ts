import {
  formatBytes,
  formatDurationUnbroken,
  formatRam,
  timeFormatter,
  zoneName,
} from './format.js';
import { colors, PdfLayout, type Cell } from './pdf-layout.js';
import { windowsInstallSection } from './pdf-windows.js';
import type { MachineReport, Paper, Report, StepReport } from './types.js';

/**
 * The customer's PDF. Library choice: pdfkit. It is pure JavaScript, so the report renders
 * the same on a headless bench server, in CI and in the desktop app without Chromium or
 * Electron; it embeds (and subsets) a TrueType font, so non-ASCII names print; and it is
 * fast enough for a batch of hundreds of machines (scripts/bench/report.ts). Tables and
 * page breaks are our own code (pdf-layout.ts), which keeps them predictable.
 */

export interface PdfOptions {
  paper: Paper;
  timeZone: string | null;
  shopLogo?: Buffer | null;
  customerLogo?: Buffer | null;
}

const statusWords: Record<MachineReport['status'], string> = {
  done: 'Done',
  failed: 'Failed',
  'in-progress': 'In progress',
  stalled: 'Stalled',
  'not-started': 'Not started',
};

function statusColor(status: string): string {
  if (status === 'done' || status === 'succeeded' || status === 'PASS') return colors.ok;
  if (status === 'failed' || status === 'FAIL' || status === 'interrupted') return colors.bad;
  return colors.warn;
}

function machineTitle(m: MachineReport): string {
  return m.hardware.hostname ?? m.name ?? m.hardware.serial ?? m.hardware.macs[0] ?? m.id;
}

/** Keeps "2026-11-26 14:03" and "23 min 50 s" on one line in a table cell. */
const nb = (s: string): string => s.replace(/ /g, '\u00a0');
const dur = formatDurationUnbroken;

export async function reportPdf(r: Report, o: PdfOptions): Promise<Buffer> {
  const zoned = timeFormatter(o.timeZone);
  const t = (iso: string | null): string => nb(zoned(iso));
  const title =
    r.kind === 'batch'
      ? `Prep report: batch ${r.batch?.name ?? r.batch?.id ?? ''}`
      : `Prep report: ${r.machines[0] ? machineTitle(r.machines[0]) : ''}`;
  const L = new PdfLayout({ paper: o.paper, title, author: r.shop.name });
  header(L, r, o, title, t);
  if (r.kind === 'batch') {
    summary(L, r, t);
    r.machines.forEach((m, i) => {
      L.newPage();
      L.setTitle(`${title}  ·  Machine ${i + 1} of ${r.machines.length}: ${machineTitle(m)}`);
      machine(
        L,
        m,
        t,
        `Machine ${i + 1} of ${r.machines.length}: ${machineTitle(m)}`,
        r.generatedAt,
      );
    });
  } else if (r.machines[0]) {
    L.setTitle(title);
    machine(L, r.machines[0], t, `Machine: ${machineTitle(r.machines[0])}`, r.generatedAt);
  }
  const footer = [
    r.shop.name,
    `generated ${t(r.generatedAt)} (${zoneName(o.timeZone)})`,
    `PrepStation ${r.station.version}`,
  ]
    .filter(Boolean)
    .join('  ·  ');
  return L.finish(footer);
}

function header(
  L: PdfLayout,
  r: Report,
  o: PdfOptions,
  title: string,
  t: (s: string | null) => string,
): void {
  const doc = L.doc;
  const top = L.y;
  const logoH = 46;
  let leftX = L.left;
  if (o.shopLogo) {
    try {
      doc.image(o.shopLogo, L.left, top, { fit: [120, logoH] });
      leftX = L.left + 128;
    } catch {
      // A logo pdfkit cannot read is left out; the name still prints.
    }
  }
  if (o.customerLogo) {
    try {
      doc.image(o.customerLogo, L.left + L.width - 120, top, { fit: [120, logoH], align: 'right' });
    } catch {
      // As above.
    }
  }
  const textW = L.width - (leftX - L.left) - (o.customerLogo ? 130 : 0);
  L.y = top;
  L.write(r.shop.name ?? 'PrepStation', { font: 'bold', size: 14, x: leftX, width: textW });
  if (r.shop.address)
    L.write(r.shop.address, { size: 8, color: colors.muted, x: leftX, width: textW });
  L.y = Math.max(L.y, top + (o.shopLogo || o.customerLogo ? logoH : 0)) + 10;
  L.write(title, { font: 'bold', size: 17, color: colors.accent });
  L.space(4);
  const pairs: [string, string][] = [
    ['Customer', r.customer ?? ''],
    ['Technician', r.technician ?? ''],
  ];
  if (r.batch) {
    pairs.push(['Batch', r.batch.name ? `${r.batch.name} (${r.batch.id})` : r.batch.id]);
    pairs.push(['Profile', r.batch.profile]);
  }
  pairs.push([
    'Work period',
    r.period.from ? `${t(r.period.from)} to ${r.period.to ? t(r.period.to) : 'not finished'}` : '',
  ]);
  pairs.push(['Report made', `${t(r.generatedAt)} (${zoneName(o.timeZone)})`]);
  L.keyValues(pairs);
  L.space(6);
}

function summary(L: PdfLayout, r: Report, t: (s: string | null) => string): void {
  const x = r.totals;
  L.heading('Summary');
  const parts = [
    `${x.machines} machine${x.machines === 1 ? '' : 's'}`,
    `${x.done} done`,
    `${x.failed} failed`,
    x.inProgress + x.stalled > 0 ? `${x.inProgress + x.stalled} in progress` : '',
    x.notStarted > 0 ? `${x.notStarted} not started` : '',
    `${x.steps} steps, ${x.stepsFailed} failed, ${x.stepsSkipped} skipped`,
    `${x.failuresRecorded} failure${x.failuresRecorded === 1 ? '' : 's'} recorded on the way`,
  ].filter(Boolean);
  L.write(parts.join('  ·  '), { font: 'bold', size: 9.5 });
  L.space(6);
  L.table(
    [
      { header: '#', weight: 3, align: 'right', nowrap: true },
      { header: 'Machine', weight: 12, nowrap: true },
      { header: 'Serial', weight: 11, font: 'mono', nowrap: true },
      { header: 'Model', weight: 17 },
      { header: 'MAC', weight: 15, font: 'mono', nowrap: true },
      { header: 'Status', weight: 9 },
      { header: 'Steps', weight: 6, align: 'right', nowrap: true },
      { header: 'Failures', weight: 8, align: 'right', nowrap: true },
      { header: 'Started', weight: 12, nowrap: true },
      { header: 'Time', weight: 10, align: 'right' },
    ],
    r.machines.map((m, i) => [
      { text: String(i + 1) },
      { text: machineTitle(m) },
      { text: m.hardware.serial ?? '' },
      { text: vendorModel(m.hardware.vendor, m.hardware.model) },
      { text: m.hardware.macs[0] ?? '' },
      { text: statusWords[m.status], color: statusColor(m.status), font: 'bold' },
      { text: `${m.counts.succeeded + m.counts.skipped}/${m.counts.total}` },
      { text: String(m.failures.length), color: m.failures.length ? colors.bad : colors.text },
      // The year is in the work period above; here only month-day and time, never split.
      { text: t(m.timing.startedAt).replace(/^\d{4}-/, '') },
      { text: dur(m.timing.totalSeconds) },
    ]),
    'Summary',
  );
}

/** "HP" + "HP ProBook 450 G9" is "HP ProBook 450 G9", not "HP HP ProBook 450 G9". */
export function vendorModel(vendor: string | null, model: string | null): string {
  const v = vendor?.trim() ?? '';
  const m = model?.trim() ?? '';
  if (v && m.toLowerCase().startsWith(v.toLowerCase())) return m;
  return [v, m].filter(Boolean).join(' ');
}

function machine(
  L: PdfLayout,
  m: MachineReport,
  t: (s: string | null) => string,
  heading: string,
  generatedAt: string,
): void {
  L.write(heading, { font: 'bold', size: 14, color: colors.accent });
  L.write(`Status: ${m.statusText}`, { font: 'bold', size: 9.5, color: statusColor(m.status) });
  L.space(6);
  if (m.inProgress) {
    L.banner(
      m.status === 'not-started' ? 'NOT STARTED' : 'IN PROGRESS: this machine is not finished',
      `This report was made on ${t(generatedAt)}, while the machine was still being prepared. ${m.statusText}. Steps not yet run are listed as pending.`,
      'warn',
    );
  } else if (m.status === 'failed') {
    L.banner('FAILED: this machine is not finished', m.statusText, 'bad');
  }
  const h = m.hardware;
  L.heading('Hardware');
  L.keyValues([
    ['Vendor', h.vendor ?? ''],
    ['Model', h.model ?? ''],
    ['Serial number', h.serial ?? '', 'mono'],
    ['UUID', h.uuid ?? '', 'mono'],
    ['MAC addresses', h.macs.join('\n'), 'mono'],
    ['CPU', [h.cpu, h.cores ? `${h.cores} cores` : null].filter(Boolean).join(', ')],
    ['Memory', formatRam(h.ramBytes)],
    [
      'Disks',
      h.disks
        .map((d) => `${d.name}: ${formatBytes(d.sizeBytes)}${d.model ? ` (${d.model})` : ''}`)
        .join('\n'),
    ],
    ['BIOS', h.bios ?? ''],
    ['Hostname', h.hostname ?? ''],
  ]);
  L.heading('Deployment');
  L.keyValues([
    [
      'Profile',
      m.profile ? `${m.profile.name ?? m.profile.id} (${m.profile.id})` : 'none assigned',
    ],
    ['Profile version', m.profile?.version ?? '', 'mono'],
    ['Operating system', [m.os.name, m.os.version].filter(Boolean).join(' ') || 'not reported yet'],
    ['Deployment', `#${m.deployment}${m.assignedBy ? `, assigned by ${m.assignedBy}` : ''}`],
    ['Started', t(m.timing.startedAt)],
    ['Finished', m.timing.endedAt ? t(m.timing.endedAt) : m.inProgress ? 'not finished' : ''],
    ['OS install from', t(m.timing.osInstallStartedAt ?? m.timing.bootedAt)],
    ['Agent started', t(m.timing.agentStartedAt)],
    ['Total time', `${dur(m.timing.totalSeconds)}${m.timing.endedAt ? '' : ' so far'}`],
    ['Agent version', m.agentVersion ?? ''],
  ]);
  if (m.windowsInstall) windowsInstallSection(L, m.windowsInstall);
  const apps = m.steps.filter((s) => s.kind === 'app');
  const config = m.steps.filter((s) => s.kind === 'config' || s.kind === 'inventory');
  const checks = m.steps.filter((s) => s.kind === 'check');
  if (apps.length) {
    L.heading(`Applications (${apps.length})`);
    L.table(
      [
        { header: 'Application', weight: 22 },
        { header: 'Version', weight: 10 },
        { header: 'Installer', weight: 20 },
        { header: 'Result', weight: 10 },
        { header: 'Exit code', weight: 7, align: 'right' },
        { header: 'Tries', weight: 5, align: 'right' },
        { header: 'Duration', weight: 9, align: 'right' },
      ],
      apps.map((s) => [
        { text: s.label.replace(/^Install /, '') },
        { text: s.version ?? '' },
        {
          text: s.installer
            ? `${s.installer.file}${s.installer.sha256 ? `\nsha256 ${s.installer.sha256.slice(0, 16)}…` : ''}`
            : s.type,
        },
        result(s),
        { text: s.exitCode === null ? '' : String(s.exitCode) },
        { text: s.attempts ? String(s.attempts) : '' },
        { text: dur(s.durationSeconds) },
      ]),
      'Applications',
    );
  }
  if (config.length) {
    L.heading(`Configuration (${config.length})`);
    L.table(
      [
        { header: 'Step', weight: 20 },
        { header: 'What', weight: 34 },
        { header: 'Result', weight: 10 },
        { header: 'Duration', weight: 9, align: 'right' },
      ],
      config.map((s) => [
        { text: s.label },
        { text: s.details ?? s.message ?? '' },
        result(s),
        { text: dur(s.durationSeconds) },
      ]),
      'Configuration',
    );
  }
  if (checks.length) {
    L.heading(`Checks (${checks.length})`);
    L.table(
      [
        { header: 'Check', weight: 16 },
        { header: 'Expected', weight: 16 },
        { header: 'Found', weight: 16 },
        { header: 'Result', weight: 8 },
        { header: 'Evidence', weight: 20, font: 'body' },
      ],
      checks.map((s) => [
        { text: s.label },
        { text: s.check?.expected ?? s.details ?? '' },
        { text: s.check?.actual ?? '' },
        checkResult(s),
        { text: s.evidence.join('\n') },
      ]),
      'Checks',
    );
  }
  L.heading('Failures and what was done');
  if (m.failures.length === 0 && m.actions.length === 0) {
    L.write(m.inProgress ? 'None so far.' : 'None: every step went through on its first try.', {
      color: colors.muted,
    });
  }
  if (m.failures.length) {
    L.table(
      [
        { header: 'When', weight: 11 },
        { header: 'Step', weight: 15 },
        { header: 'Try', weight: 4, align: 'right' },
        { header: 'Exit', weight: 6, align: 'right' },
        { header: 'What went wrong', weight: 25 },
        { header: 'What was done', weight: 20 },
      ],
      m.failures.map((f) => [
        { text: t(f.at) },
        { text: f.step ?? 'whole machine' },
        { text: f.attempt === null ? '' : String(f.attempt) },
        { text: f.exitCode === null ? '' : String(f.exitCode) },
        { text: f.log ? `${f.reason}\n${f.log.join('\n')}` : f.reason, color: colors.bad },
        { text: f.resolution },
      ]),
      'Failures',
    );
  }
  if (m.actions.length) {
    L.table(
      [
        { header: 'When', weight: 11 },
        { header: 'Action or event', weight: 70 },
      ],
      m.actions.map((a) => [{ text: t(a.at) }, { text: a.text }]),
      'Actions',
    );
  }
  if (m.previousDeployments.length) {
    L.heading('Earlier deployments of this machine');
    L.table(
      [
        { header: '#', weight: 4, align: 'right' },
        { header: 'Started', weight: 11 },
        { header: 'Profile', weight: 16 },
        { header: 'Ended as', weight: 9 },
        { header: 'Why', weight: 30 },
      ],
      m.previousDeployments.map((p) => [
        { text: String(p.deployment) },
        { text: t(p.startedAt) },
        { text: `${p.profile}${p.profileVersion ? ` @ ${p.profileVersion}` : ''}` },
        { text: p.endState },
        { text: p.failure ?? '' },
      ]),
      'Earlier deployments',
    );
  }
}

function result(s: StepReport): Cell {
  return { text: s.status, color: statusColor(s.status), font: 'bold' };
}

/**
 * A check's verdict: FAIL whenever the agent found something else than the plan expected
 * (even if a technician skipped the check afterwards), PASS when it matched.
 */
function checkResult(s: StepReport): Cell {
  if (s.check?.result === 'FAIL' || (!s.check && s.status === 'failed')) {
    const skipped = s.status === 'skipped' ? ' (skipped)' : '';
    return { text: `FAIL${skipped}`, color: colors.bad, font: 'bold' as const };
  }
  if (s.status === 'succeeded') return { text: 'PASS', color: colors.ok, font: 'bold' as const };
  return result(s);
}
