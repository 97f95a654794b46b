import type { AssignmentRule } from '../api/contract.js';
import { normalizeMac } from './state.js';
import type { AssignedBy } from './types.js';

/**
 * Which profile an unassigned machine gets when it shows up, pure. Order, most specific
 * first: a batch that lists its MAC, a rule (MAC, model, vendor, in the technician's
 * order), the oldest open "next N" batch with room left, the bench default.
 */
export interface OpenBatch {
  id: string;
  profile: string;
  count: number | null;
  macs: string[] | null;
  filled: number;
}

export interface Candidate {
  macs: string[];
  vendor: string | null;
  model: string | null;
}

export interface AssignmentDecision {
  profile: string;
  batch: string | null;
  by: AssignedBy;
  why: string;
}

export function parseMacList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((m) => normalizeMac(m))
    .filter((m): m is string => m !== null);
}

export function ruleMatches(rule: AssignmentRule, m: Candidate): boolean {
  switch (rule.field) {
    case 'mac': {
      const list = parseMacList(rule.pattern);
      return m.macs.some((mac) => list.includes(mac));
    }
    case 'vendor':
    case 'model': {
      const value = (rule.field === 'vendor' ? m.vendor : m.model)?.toLowerCase();
      const pattern = rule.pattern.trim().toLowerCase();
      return !!value && pattern.length > 0 && value.includes(pattern);
    }
  }
}

export function chooseAssignment(
  m: Candidate,
  batches: readonly OpenBatch[],
  rules: readonly AssignmentRule[],
  benchDefault: string | null,
): AssignmentDecision | null {
  for (const b of batches) {
    if (b.macs && m.macs.some((mac) => b.macs!.includes(mac))) {
      return { profile: b.profile, batch: b.id, by: 'batch', why: `batch ${b.id} lists its MAC` };
    }
  }
  for (const r of rules) {
    if (ruleMatches(r, m)) {
      return {
        profile: r.profile,
        batch: null,
        by: 'rule',
        why: `rule ${r.id} (${r.field} ${r.pattern})`,
      };
    }
  }
  for (const b of batches) {
    if (b.count !== null && b.filled < b.count) {
      return {
        profile: b.profile,
        batch: b.id,
        by: 'batch',
        why: `batch ${b.id} (${b.filled + 1} of ${b.count})`,
      };
    }
  }
  if (benchDefault) {
    return { profile: benchDefault, batch: null, by: 'default', why: 'the bench default' };
  }
  return null;
}
