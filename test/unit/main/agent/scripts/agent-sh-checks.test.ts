import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../../../../main/agent/protocol.js';
import { agentScriptPath } from '../../../../../main/agent/scripts/routes.js';
import { commandUnavailable, requireOrSkip } from '../../../../helpers/env.js';

/**
 * agent.sh compares every check with the expected value the plan carries: one plan step
 * per check type, run by the agent's own `execute` and `run_step` (the script sourced
 * with PREPSTATION_AGENT_LIB=1), under dash. A mismatch must be FAIL with the evidence,
 * and the report it queues must be one the station takes (reportSchema).
 */
const skip = requireOrSkip(commandUnavailable('dash', 'dash'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-sh-checks-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Stand-ins: systemctl says every service is inactive; realm says the other domain.
const bin = path.join(tmp, 'bin');
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, 'systemctl'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
fs.writeFileSync(path.join(bin, 'realm'), '#!/bin/sh\necho other.example.com\n', { mode: 0o755 });
const hostname = os.hostname();

interface Outcome {
  rc: string;
  reason: string;
  skip: string;
  check: { expected: string; actual: string; pass: boolean } | null;
  report: Record<string, unknown>;
}

let n = 0;
function runCheck(step: Record<string, unknown>): Outcome {
  const dir = path.join(tmp, `s${n++}`);
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
  const plan = {
    ok: true,
    value: {
      steps: [
        {
          id: 'check-x',
          kind: 'check',
          label: 'x',
          download: null,
          command: null,
          shell: null,
          successCodes: [0],
          rebootCodes: [],
          timeoutSeconds: 30,
          retries: 0,
          params: {},
          ...step,
        },
      ],
    },
  };
  fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  const script = `
    PREPSTATION_AGENT_LIB=1 . "${agentScriptPath('agent.sh')}"
    STATE="${dir}/state"; mkdir -p "$STATE/queue" "$STATE/steps"
    STATION=http://127.0.0.1:9; TOKEN=t; HTTP_TOOL=curl; SEQ=0; POLL=0.2
    jflat <"${dir}/plan.json" >"$STATE/plan.flat"
    load_step 0; ID=$S_id; ATTEMPT=1
    run_step >/dev/null 2>&1
    printf '%s\\n' "$RC" "$REASON" "$SKIP"
    cat "$STATE"/queue/*.json | tail -c +1 >"${dir}/queue.txt"
  `;
  const out = execFileSync('/usr/bin/dash', ['-c', script], {
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin`, LC_ALL: 'C', HOME: tmp },
  }).split('\n');
  // The queue holds {...}{...}: the last report is the step's verdict.
  const queued = fs.readFileSync(path.join(dir, 'queue.txt'), 'utf8');
  const reports = JSON.parse(`[${queued.replace(/\}\{"seq"/g, '},{"seq"')}]`) as Record<
    string,
    unknown
  >[];
  const report = reports.at(-1)!;
  return {
    rc: out[0]!,
    reason: out[1]!,
    skip: out[2]!,
    check: (report.check as Outcome['check']) ?? null,
    report,
  };
}

function expectFail(o: Outcome, expected: string, actual: string): void {
  expect(o.report.type).toBe('step-failed');
  expect(o.rc).not.toBe('0');
  expect(o.check).toEqual({ expected, actual, pass: false });
  expect(o.reason).toBe(`expected ${expected}, found ${actual}`);
  // The station takes it as it is.
  expect(reportSchema.safeParse(o.report).success, JSON.stringify(o.report)).toBe(true);
}

describe.skipIf(skip)('agent.sh checks: a mismatch is FAIL with expected and actual', () => {
  it('hostname', () => {
    expectFail(
      runCheck({ type: 'hostname', params: { expected: 'acme-123456' } }),
      'acme-123456',
      hostname,
    );
    // The same name in other case is PASS (DNS names ignore case).
    const ok = runCheck({ type: 'hostname', params: { expected: hostname.toUpperCase() } });
    expect(ok.report.type).toBe('step-succeeded');
    expect(ok.check).toEqual({ expected: hostname.toUpperCase(), actual: hostname, pass: true });
    expect(reportSchema.safeParse(ok.report).success).toBe(true);
    // No expected value from the station is not a PASS.
    expect(runCheck({ type: 'hostname', params: {} }).check?.pass).toBe(false);
  });

  it('joined', () => {
    expectFail(
      runCheck({
        type: 'joined',
        params: { expected: { type: 'domain', domain: 'corp.example.com' } },
      }),
      'domain corp.example.com',
      'domain other.example.com',
    );
  });

  it('file-exists', () => {
    const p = path.join(tmp, 'nope');
    expectFail(runCheck({ type: 'file-exists', params: { path: p } }), 'exists', `missing (${p})`);
  });

  it('service', () => {
    expectFail(
      runCheck({ type: 'service', params: { service: 'ssh', expected: 'running' } }),
      'running',
      'stopped',
    );
  });

  it('app-installed', () => {
    const p = path.join(tmp, 'not-installed');
    expectFail(
      runCheck({ type: 'app-installed', params: { app: 'x', detect: { type: 'file', path: p } } }),
      'installed',
      'not installed',
    );
  });

  it('command: wrong output, wrong exit code', () => {
    expectFail(
      runCheck({
        type: 'command',
        shell: 'sh',
        command: 'echo wrong',
        params: { expectedOutput: 'right' },
      }),
      'exit code 0, output "right"',
      'exit code 0, output "wrong"',
    );
    expectFail(
      runCheck({ type: 'command', shell: 'sh', command: 'exit 3', successCodes: [0], params: {} }),
      'exit code 0',
      'exit code 3',
    );
    const ok = runCheck({
      type: 'command',
      shell: 'sh',
      command: 'echo right',
      params: { expectedOutput: 'right' },
    });
    expect(ok.report.type).toBe('step-succeeded');
    expect(ok.check?.pass).toBe(true);
  });
});
