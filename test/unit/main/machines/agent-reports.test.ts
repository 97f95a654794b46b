import { describe, expect, it } from 'vitest';
import { buildPlanSteps } from '../../../../main/agent/plan.js';
import { reportSchema, type Report } from '../../../../main/agent/protocol.js';
import { entriesForReports, reportDigest } from '../../../../main/machines/agent-reports.js';
import { applyEntry, newView } from '../../../../main/machines/state.js';
import type { EntryData, MachineView } from '../../../../main/machines/types.js';
import { ACME_STEPS, acme } from '../../../helpers/fixtures.js';

const AT = '2026-11-26T10:00:00.000Z';

function provisioning(): MachineView {
  let v = newView('m1', AT);
  const datas: EntryData[] = [
    {
      kind: 'assigned',
      profile: 'acme',
      profileVersion: 'v1',
      profileName: 'Acme',
      customer: null,
      batch: null,
      by: 'hand',
      steps: buildPlanSteps(acme),
    },
    { kind: 'provisioning', ip: '10.0.0.5' },
  ];
  for (const d of datas) {
    v = applyEntry(v, {
      id: 0,
      machineId: 'm1',
      at: AT,
      deployment: d.kind === 'assigned' ? 1 : v.deployment,
      data: d,
    });
  }
  return v;
}

function apply(v: MachineView, entries: EntryData[]): MachineView {
  return entries.reduce(
    (acc, d) => applyEntry(acc, { id: 0, machineId: 'm1', at: AT, deployment: 1, data: d }),
    v,
  );
}

const ctx = (view: MachineView, seen: string[] = [], digests: Record<number, string> = {}) => ({
  view,
  seen: new Set(seen),
  digestOf: (s: number) => digests[s],
  ip: '10.0.0.5',
});

const started = (seq: number, stepId = 'inventory', attempt = 1): Report => ({
  type: 'step-started',
  seq,
  stepId,
  attempt,
});

describe('entriesForReports', () => {
  it('stores new reports in seq order, whatever order they came in', () => {
    const out = entriesForReports(
      [
        { type: 'step-succeeded', seq: 2, stepId: 'inventory', attempt: 1, exitCode: 0 },
        started(1),
      ],
      ctx(provisioning()),
    );
    expect(out.ok && out.entries.map((e) => ('status' in e ? e.status : e.kind))).toEqual([
      'started',
      'succeeded',
    ]);
  });

  // [name, lastSeq, reports, expected code]
  it.each([
    ['gap', 0, [started(2)], 'out_of_order'],
    ['gap inside a batch', 0, [started(1), started(3, 'app-tool')], 'out_of_order'],
    ['unknown step', 0, [started(1, 'nope')], 'unknown_step'],
  ] as const)('refuses a %s with %s', (_n, lastSeq, reports, code) => {
    const v = { ...provisioning(), lastSeq };
    const out = entriesForReports([...reports], ctx(v));
    expect(out.ok).toBe(false);
    expect(!out.ok && out.code).toBe(code);
  });

  it('absorbs a resend with the same content and refuses one with other content', () => {
    const r = started(1);
    const v = { ...provisioning(), lastSeq: 1 };
    const same = entriesForReports([r], ctx(v, [], { 1: reportDigest(r) }));
    expect(same).toMatchObject({ ok: true, absorbed: 1, stored: 0 });
    const other = entriesForReports([started(1, 'app-tool')], ctx(v, [], { 1: reportDigest(r) }));
    expect(other).toMatchObject({ ok: false, code: 'seq_conflict' });
  });

  it('keeps a repeated step outcome under a new seq as a duplicate', () => {
    const out = entriesForReports([started(1)], ctx(provisioning(), ['inventory:1:started']));
    expect(out.ok && out.entries).toEqual([
      expect.objectContaining({ kind: 'duplicate', seq: 1, of: 'step-started' }),
    ]);
  });

  it('fails the machine only on the last allowed attempt (retries + 1)', () => {
    const failed = (seq: number, attempt: number): Report => ({
      type: 'step-failed',
      seq,
      stepId: 'app-firefox', // retries: 1
      attempt,
      exitCode: 1,
      reason: 'exit 1',
    });
    const first = entriesForReports([failed(1, 1)], ctx(provisioning()));
    expect(first.ok && first.entries[0]).toMatchObject({ final: false });
    const second = entriesForReports([failed(1, 2)], ctx(provisioning()));
    expect(second.ok && second.entries[0]).toMatchObject({ final: true });
  });

  it('moves to provisioning on the first word and to done after the last step', () => {
    let v = provisioning();
    v = { ...v, state: 'booting' };
    let seq = 1;
    const all: Report[] = ACME_STEPS.map((stepId) => ({
      type: 'step-succeeded',
      seq: seq++,
      stepId,
      attempt: 1,
    }));
    const out = entriesForReports(all, ctx(v));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.entries[0]!.kind).toBe('provisioning');
    expect(out.entries.at(-1)!.kind).toBe('done');
    expect(apply(v, out.entries).state).toBe('done');
  });
});

describe('report schema', () => {
  it.each([
    ['unknown field', { type: 'step-started', seq: 1, stepId: 'a', attempt: 1, x: 1 }],
    ['seq 0', { type: 'step-started', seq: 0, stepId: 'a', attempt: 1 }],
    ['unknown type', { type: 'step-exploded', seq: 1, stepId: 'a', attempt: 1 }],
    [
      'too many lines',
      { type: 'step-log', seq: 1, stepId: 'a', attempt: 1, lines: Array(201).fill('x') },
    ],
    ['failure without reason', { type: 'step-failed', seq: 1, stepId: 'a', attempt: 1 }],
    ['bad MAC in inventory', { type: 'inventory', seq: 1, inventory: { macs: ['zz'] } }],
  ])('rejects %s', (_n, body) => {
    expect(reportSchema.safeParse(body).success).toBe(false);
  });
});
