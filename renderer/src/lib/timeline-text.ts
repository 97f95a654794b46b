import type { MachineLogEntry } from '../../../main/api/contract.js';

const s = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));

/**
 * One line per entry of a machine's event log, as a technician reads it. Unknown kinds
 * still show (kind and nothing else) so a newer station never hides history.
 */
export function describeEntry(e: MachineLogEntry, stepLabel: (id: string) => string): string {
  const d = e.data;
  switch (e.kind) {
    case 'discovered':
      return `Seen for the first time (${s(d.via) || 'network boot'}${d.ip ? `, ${s(d.ip)}` : ''})`;
    case 'identity':
      return 'Identity completed (serial, model or MACs)';
    case 'assigned':
      return `${d.by === 'reset' ? 'Deployed again with' : 'Assigned to'} ${s(d.profileName) || s(d.profile)}${
        d.technician ? ` by ${s(d.technician)}` : d.by && d.by !== 'hand' ? ` (${s(d.by)})` : ''
      }`;
    case 'booting':
      return `Booted the installer from ${s(d.ip)}${d.chain === 'shim-grub' ? ' (Secure Boot chain: shim + GRUB)' : d.chain === 'ipxe' ? ' (iPXE)' : ''}`;
    case 'boot-hint':
      return `${s(d.reason)}. Fix: ${s(d.fix)}`;
    case 'installing-os':
      return `Installing the OS (fetched ${s(d.file)})`;
    case 'answer-file':
      return `Answer file ${s(d.file)} served to ${s(d.ip)}`;
    case 'winpe': {
      // deploy.cmd's reports from WinPE (docs/agent-protocol.md §8b).
      const what = `WinPE ${s(d.phase)} ${s(d.status)}`;
      const bytes = typeof d.bytes === 'number' ? `, ${(d.bytes / 1e9).toFixed(1)} GB` : '';
      const pct = typeof d.percent === 'number' ? `, ${Math.floor(d.percent)} %` : '';
      const code = d.code ? ` (code ${s(d.code)})` : '';
      return `${what}${bytes}${pct}${code}${d.detail ? `: ${s(d.detail)}` : ''}`;
    }
    case 'provisioning':
      return 'Agent started';
    case 'step': {
      const label = stepLabel(s(d.stepId));
      const attempt = Number(d.attempt) > 1 ? ` (attempt ${s(d.attempt)})` : '';
      switch (d.status) {
        case 'started':
          return `Started: ${label}${attempt}`;
        case 'succeeded':
          return `Succeeded: ${label}${d.exitCode != null ? ` (exit ${s(d.exitCode)})` : ''}`;
        case 'failed':
          return `Failed: ${label}${d.exitCode != null ? ` (exit ${s(d.exitCode)})` : ''}${d.message ? `: ${s(d.message)}` : ''}`;
        case 'skipped':
          return `Skipped: ${label}`;
        default:
          return `${label}: ${s(d.status)}`;
      }
    }
    case 'progress':
      return `${stepLabel(s(d.stepId))}: ${d.percent != null ? `${s(d.percent)}%` : s(d.message)}`;
    case 'log':
      return `${stepLabel(s(d.stepId))}: ${Array.isArray(d.lines) ? d.lines.length : 0} log line(s)`;
    case 'inventory':
      return 'Inventory uploaded';
    case 'failed':
      return `Failed${d.stepId ? ` at ${stepLabel(s(d.stepId))}` : ''}: ${s(d.reason)}`;
    case 'stalled':
      return `Stalled: no word since ${s(d.silentSince)}`;
    case 'resumed':
      return 'Heard from again';
    case 'done':
      return d.by === 'technician'
        ? `Marked done by ${s(d.technician) || 'the technician'}`
        : 'Done';
    case 'retry-step':
      return `${s(d.technician) || 'Technician'}: retry ${stepLabel(s(d.stepId))}`;
    case 'skip-step':
      return `${s(d.technician) || 'Technician'}: skip ${stepLabel(s(d.stepId))}`;
    case 'duplicate':
      return 'A resent report (already recorded)';
    default:
      return e.kind;
  }
}

/** Entries worth a line on the timeline: progress and log chatter stay in the step view. */
export function isMilestone(e: MachineLogEntry): boolean {
  return e.kind !== 'progress' && e.kind !== 'log' && e.kind !== 'duplicate';
}
