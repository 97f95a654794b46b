import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planAsSh } from '../../../../main/agent/plan-sh.js';
import { buildPlanSteps } from '../../../../main/agent/plan.js';
import { limits, type PlanResponse } from '../../../../main/agent/protocol.js';
import { commandUnavailable } from '../../../helpers/env.js';
import { acme } from '../machines/fixtures.js';

const hostile = `it's "quoted" $HOME \`id\` \\ ; & | \n second line`;

function plan(): PlanResponse {
  const steps = buildPlanSteps(acme);
  steps[1] = { ...steps[1]!, command: hostile, label: hostile };
  return {
    machineId: 'm1',
    deployment: 2,
    profile: 'acme',
    profileVersion: 'abc',
    steps,
    state: 'provisioning',
    planRevision: 0,
    lastSeq: 7,
    status: { inventory: { status: 'succeeded', attempt: 1 } },
    next: 'app-firefox',
    heartbeatSeconds: 30,
    limits,
  };
}

const shells: [string, string[], string | null][] = [
  ['dash', ['dash'], commandUnavailable('dash', 'dash')],
  ['busybox sh', ['busybox', 'sh'], commandUnavailable('busybox', 'busybox-static')],
];

describe('planAsSh', () => {
  it.each(shells)('reads back unchanged in %s', (_name, cmd, missing) => {
    if (missing) return void console.warn(`skipped: ${missing}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plan-sh-')), 'plan.sh');
    fs.writeFileSync(file, planAsSh(plan()));
    const out = execFileSync(
      cmd[0]!,
      [
        ...cmd.slice(1),
        '-c',
        '. "$1"; printf "%s|%s|%s|%s|%s\\n" "$PLAN_COUNT" "$PLAN_LAST_SEQ" "$STEP_1_STATUS" "$STEP_2_SUCCESS_CODES" "$STEP_4_URL"; printf "%s" "$STEP_2_COMMAND"',
        'sh',
        file,
      ],
      { encoding: 'utf8' },
    );
    const [head, ...rest] = out.split('\n');
    expect(head).toBe('6|7|succeeded|0|/files/packages/tool');
    expect(rest.join('\n')).toBe(hostile);
  });
});
