import { describe, expect, it } from 'vitest';
import { buildPlanSteps, absolutePlanSteps } from '../../../../main/agent/plan.js';
import { reportSchema, type Report } from '../../../../main/agent/protocol.js';
import { entriesForReports, reportDigest } from '../../../../main/agent/reports.js';
import { AgentTokens } from '../../../../main/agent/tokens.js';
import { applyEntry, newView } from '../../../../main/machines/state.js';
import type { EntryData, MachineView } from '../../../../main/machines/types.js';
import { profileSchema } from '../../../../main/profiles/schema.js';
import { ACME_STEPS, acme, acmeInput } from '../machines/fixtures.js';

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

describe('buildPlanSteps', () => {
  it('orders inventory, apps, config, checks and carries codes, timeouts, retries', () => {
    const steps = buildPlanSteps(acme);
    expect(steps.map((s) => s.id)).toEqual(ACME_STEPS);
    const ff = steps[1]!;
    expect(ff).toMatchObject({
      kind: 'app',
      shell: 'sh',
      successCodes: [0],
      rebootCodes: [3010, 1641],
      timeoutSeconds: 1800,
      retries: 1,
      download: null,
    });
    expect(ff.command).toContain('apt-get install -y firefox');
    expect(steps[3]).toMatchObject({
      kind: 'config',
      params: { path: '/etc/motd', content: 'welcome' },
    });
    expect(steps[4]).toMatchObject({ kind: 'check', params: { app: 'firefox' } });
  });

  it('makes station paths absolute and leaves outside URLs alone', () => {
    const p = profileSchema.parse({
      ...acmeInput,
      apps: [
        {
          id: 'chrome',
          name: 'Chrome',
          installer: 'msi',
          args: '/qn /norestart',
          source: { url: 'https://dl.example.com/chrome.msi', sha256: 'a'.repeat(64), size: 100 },
        },
        { id: 'tool', name: 'Tool', installer: 'exe', source: { package: 'tool' } },
      ],
      checks: [],
    });
    const steps = absolutePlanSteps(
      buildPlanSteps(p, {
        packages: (id) => ({ path: `library/${id}/setup v2.exe`, size: 5, sha256: 'b'.repeat(64) }),
      }),
      'http://10.0.0.1:8080',
    );
    expect(steps[1]!.download).toEqual({
      url: 'https://dl.example.com/chrome.msi',
      size: 100,
      sha256: 'a'.repeat(64),
      name: 'chrome.msi',
    });
    expect(steps[1]!.command).toBe('msiexec /i "{file}" /qn /norestart');
    expect(steps[2]!.download).toEqual({
      url: 'http://10.0.0.1:8080/files/library/tool/setup%20v2.exe',
      size: 5,
      sha256: 'b'.repeat(64),
      name: 'setup v2.exe',
    });
  });

  it('leaves out disabled items', () => {
    const p = profileSchema.parse({
      ...acmeInput,
      apps: [{ ...acmeInput.apps![0]!, enabled: false }],
      checks: [],
    });
    expect(buildPlanSteps(p).map((s) => s.id)).toEqual(['inventory', 'config-motd']);
  });
});

describe('AgentTokens', () => {
  it('gives each deployment its own token and knows whose it is', () => {
    const t = new AgentTokens(Buffer.alloc(32, 1));
    const a1 = t.tokenFor('ma', 1);
    const a2 = t.tokenFor('ma', 2);
    const b1 = t.tokenFor('mb', 1);
    expect(new Set([a1, a2, b1]).size).toBe(3);
    expect(t.tokenFor('ma', 1)).toBe(a1);
    expect(t.ownerOf(a2)).toEqual({ machineId: 'ma', deployment: 2 });
    expect(t.ownerOf(a1.slice(0, -1))).toBeNull();
    expect(t.ownerOf(undefined)).toBeNull();
    // Another station key: the same machine gets another token.
    expect(new AgentTokens(Buffer.alloc(32, 2)).tokenFor('ma', 1)).not.toBe(a1);
  });
});
