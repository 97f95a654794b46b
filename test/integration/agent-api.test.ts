import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineDetail, MachineSummary } from '../../main/api/contract.js';
import type { TestStation } from '../helpers/station.js';
import { ACME_STEPS, startAcmeStation } from '../helpers/fixtures.js';

/** The agent protocol against a real station on loopback, as an agent would speak it. */
let ts: TestStation;

beforeEach(async () => {
  ts = await startAcmeStation();
});
afterEach(async () => {
  await ts.stop();
});

async function addMachine(mac: string, profile?: string): Promise<MachineSummary> {
  const r = await ts.api('/api/v1/machines', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(profile ? { mac, profile } : { mac }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as MachineSummary;
}

/** Boots like iPXE does and reads the machine's token out of its per-machine URL. */
async function bootToken(mac: string): Promise<string> {
  const text = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
  const m = /\/t\/([A-Za-z0-9_-]+)/.exec(text);
  expect(m, text).not.toBeNull();
  return m![1]!;
}

function agent(token: string) {
  const auth = { authorization: `Bearer ${token}` };
  return {
    plan: () => fetch(`${ts.benchUrl}/agent/v1/plan`, { headers: auth }),
    reports: (reports: unknown[] | string, headers: Record<string, string> = {}) =>
      fetch(`${ts.benchUrl}/agent/v1/reports`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: typeof reports === 'string' ? reports : JSON.stringify({ reports }),
      }),
    heartbeat: () =>
      fetch(`${ts.benchUrl}/agent/v1/heartbeat`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      }),
  };
}

async function detail(id: string): Promise<MachineDetail> {
  return (await (await ts.api(`/api/v1/machines/${id}`)).json()) as MachineDetail;
}

/** Every step succeeding, numbered from `from`: started + succeeded per step. */
function allSucceed(from = 1): unknown[] {
  let seq = from;
  return ACME_STEPS.flatMap((stepId) => [
    { type: 'step-started', seq: seq++, stepId, attempt: 1 },
    { type: 'step-succeeded', seq: seq++, stepId, attempt: 1, exitCode: 0 },
  ]);
}

describe('agent API', () => {
  it('takes a machine from assigned through its plan to done, then expires its token', async () => {
    const m = await addMachine('52:54:00:00:06:01', 'acme');
    expect(m.state).toBe('assigned');
    const token = await bootToken('52:54:00:00:06:01');
    expect((await detail(m.id)).machine.state).toBe('booting');

    // The installer fetches its answer file from the same address: rendered from the profile.
    const userData = await fetch(`${ts.benchUrl}/t/${token}/user-data`);
    expect(userData.status).toBe(200);
    const text = await userData.text();
    expect(text).toMatch(/^#cloud-config/);
    expect(text).not.toContain('Adm1n-pw'); // the password goes in hashed
    expect((await detail(m.id)).machine.state).toBe('installing-os');

    const a = agent(token);
    const plan = (await (await a.plan()).json()) as {
      value: { steps: { id: string; download: { url: string } | null }[]; lastSeq: number };
    };
    expect(plan.value.steps.map((s) => s.id)).toEqual(ACME_STEPS);
    expect(plan.value.lastSeq).toBe(0);
    // Library packages come as absolute station URLs.
    expect(plan.value.steps[3]!.download!.url).toBe(`${ts.benchUrl}/files/packages/tool`);
    expect((await detail(m.id)).machine.state).toBe('provisioning');

    const r = await a.reports(allSucceed());
    expect(r.status).toBe(200);
    const body = (await r.json()) as { value: { lastSeq: number; state: string; stop: boolean } };
    expect(body.value).toMatchObject({ lastSeq: 12, state: 'done', stop: true });

    const d = await detail(m.id);
    expect(d.machine).toMatchObject({ state: 'done', stepsDone: 6, stepsTotal: 6, progress: 100 });

    // Done: the token opens nothing any more, and says why.
    const late = await a.reports([
      { type: 'step-started', seq: 13, stepId: 'inventory', attempt: 2 },
    ]);
    expect(late.status).toBe(410);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('token_expired');
    // ... and a done machine boots from its disk.
    const again = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=52:54:00:00:06:01`)).text();
    expect(again).toContain('Booting from its disk');
  });

  it('absorbs resends, refuses conflicting or out-of-order numbers, never doubles a step', async () => {
    const m = await addMachine('52:54:00:00:06:02', 'acme');
    const a = agent(await bootToken('52:54:00:00:06:02'));
    const first = allSucceed().slice(0, 6); // inventory, local admin and firefox done
    expect((await a.reports(first)).status).toBe(200);
    const logBefore = (await (await ts.api(`/api/v1/machines/${m.id}/log`)).json()) as unknown[];

    // The agent is unsure and resends everything: absorbed, nothing new stored. (Sent the
    // way busybox wget --post-data does, without a JSON content type.)
    const resend = await a.reports(first, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(resend.status).toBe(200);
    expect(((await resend.json()) as { value: object }).value).toMatchObject({
      lastSeq: 6,
      stored: 0,
      absorbed: 6,
    });
    const logAfter = (await (await ts.api(`/api/v1/machines/${m.id}/log`)).json()) as unknown[];
    expect(logAfter.length).toBe(logBefore.length);
    expect((await detail(m.id)).machine.stepsDone).toBe(3);

    // Same seq, other content: refused.
    const conflict = await a.reports([
      { type: 'step-started', seq: 3, stepId: 'app-tool', attempt: 1 },
    ]);
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe(
      'seq_conflict',
    );

    // A gap: refused with the seq the station expects.
    const gap = await a.reports([{ type: 'step-started', seq: 9, stepId: 'app-tool', attempt: 1 }]);
    expect(gap.status).toBe(409);
    expect(await gap.json()).toMatchObject({
      error: { code: 'out_of_order', details: { expectedSeq: 7 } },
    });

    // The same step outcome under a new seq (agent lost its queue): kept as a duplicate.
    const dup = await a.reports([
      { type: 'step-succeeded', seq: 7, stepId: 'app-firefox', attempt: 1, exitCode: 0 },
    ]);
    expect(dup.status).toBe(200);
    const d = await detail(m.id);
    expect(d.machine.stepsDone).toBe(3);
    expect(d.steps.find((s) => s.id === 'app-firefox')!.status).toBe('succeeded');
    const plan = (await (await a.plan()).json()) as { value: { lastSeq: number; next: string } };
    expect(plan.value).toMatchObject({ lastSeq: 7, next: 'app-tool' });
  });

  it('answers bad input with a 4xx and changes nothing', async () => {
    const m = await addMachine('52:54:00:00:06:03', 'acme');
    const a = agent(await bootToken('52:54:00:00:06:03'));
    await a.plan();
    const before = await detail(m.id);
    const cases: [string, Promise<Response>, number, string][] = [
      ['malformed JSON', a.reports('{"reports": [}'), 400, 'invalid_json'],
      [
        'unknown field',
        a.reports([{ type: 'step-started', seq: 1, stepId: 'inventory', attempt: 1, extra: 1 }]),
        400,
        'invalid_body',
      ],
      [
        'unknown step',
        a.reports([
          { type: 'step-started', seq: 1, stepId: 'inventory', attempt: 1 },
          { type: 'step-started', seq: 2, stepId: 'no-such-step', attempt: 1 },
        ]),
        400,
        'unknown_step',
      ],
      [
        'oversized log line',
        a.reports([
          { type: 'step-log', seq: 1, stepId: 'inventory', attempt: 1, lines: ['x'.repeat(5000)] },
        ]),
        400,
        'invalid_body',
      ],
      [
        'oversized body',
        a.reports(
          JSON.stringify({
            reports: [{ type: 'step-log', seq: 1, stepId: 'inventory', attempt: 1, lines: [] }],
            pad: 'x'.repeat(300 * 1024),
          }),
        ),
        413,
        'body_too_large',
      ],
      ['no reports', a.reports([]), 400, 'invalid_body'],
      ['wrong token', agent('not-a-token').reports(allSucceed()), 401, 'unauthorized'],
      ['no token', fetch(`${ts.benchUrl}/agent/v1/plan`), 401, 'unauthorized'],
    ];
    for (const [name, res, status, code] of cases) {
      const r = await res;
      expect(r.status, name).toBe(status);
      expect(((await r.json()) as { error: { code: string } }).error.code, name).toBe(code);
    }
    const after = await detail(m.id);
    expect(after.steps).toEqual(before.steps);
    expect(after.machine.state).toBe(before.machine.state);
    const plan = (await (await a.plan()).json()) as { value: { lastSeq: number } };
    expect(plan.value.lastSeq).toBe(0);
  });

  it("never lets machine A's token read or change machine B", async () => {
    const ma = await addMachine('52:54:00:00:06:04', 'acme');
    const mb = await addMachine('52:54:00:00:06:05', 'acme');
    const ta = await bootToken('52:54:00:00:06:04');
    const tb = await bootToken('52:54:00:00:06:05');
    expect(ta).not.toBe(tb);
    const planA = (await (await agent(ta).plan()).json()) as { value: { machineId: string } };
    expect(planA.value.machineId).toBe(ma.id);
    await agent(ta).reports(allSucceed());
    expect((await detail(ma.id)).machine.state).toBe('done');
    const b = await detail(mb.id);
    expect(b.machine.state).toBe('booting');
    expect(b.machine.stepsDone).toBe(0);
    // A's token, now expired, still opens nothing of B's; B's own token still works.
    expect((await agent(ta).plan()).status).toBe(410);
    expect((await agent(tb).plan()).status).toBe(200);
  });

  it('fails on the last attempt, and the technician can retry, skip and reset', async () => {
    const m = await addMachine('52:54:00:00:06:06', 'acme');
    let a = agent(await bootToken('52:54:00:00:06:06'));
    const failed = (seq: number, attempt: number) => ({
      type: 'step-failed',
      seq,
      stepId: 'app-firefox',
      attempt,
      exitCode: 1603,
      reason: 'installer exit 1603',
      logTail: ['fatal error during installation'],
    });
    await a.reports([
      { type: 'step-started', seq: 1, stepId: 'app-firefox', attempt: 1 },
      failed(2, 1),
    ]);
    // retries: 1, so attempt 1 failing is not the end.
    expect((await detail(m.id)).machine.state).toBe('provisioning');
    await a.reports([
      { type: 'step-started', seq: 3, stepId: 'app-firefox', attempt: 2 },
      failed(4, 2),
    ]);
    let d = await detail(m.id);
    expect(d.machine.state).toBe('failed');
    expect(d.machine.failure).toMatchObject({
      stepId: 'app-firefox',
      reason: 'installer exit 1603',
    });

    const retry = await ts.api(`/api/v1/machines/${m.id}/steps/app-firefox/retry`, {
      method: 'POST',
    });
    expect(retry.status).toBe(200);
    const hb = (await (await a.heartbeat()).json()) as { value: { planRevision: number } };
    expect(hb.value.planRevision).toBe(1);
    expect((await detail(m.id)).machine.state).toBe('provisioning');

    const skip = await ts.api(`/api/v1/machines/${m.id}/steps/app-tool/skip`, { method: 'POST' });
    expect(skip.status).toBe(200);
    d = await detail(m.id);
    expect(d.steps.find((s) => s.id === 'app-tool')!.status).toBe('skipped');

    // Reset: a new deployment; the old token is expired, the new one starts at seq 1.
    const reset = await ts.api(`/api/v1/machines/${m.id}/reset`, { method: 'POST' });
    expect(((await reset.json()) as MachineSummary).deployment).toBe(2);
    expect((await a.plan()).status).toBe(410);
    a = agent(await bootToken('52:54:00:00:06:06'));
    const plan = (await (await a.plan()).json()) as {
      value: { lastSeq: number; deployment: number };
    };
    expect(plan.value).toMatchObject({ lastSeq: 0, deployment: 2 });
  });

  it('hands a machine the secrets its own plan references, and per-machine check values', async () => {
    await ts.api('/api/v1/secrets/office-wifi', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'W1fi-Passphrase' }),
    });
    const m = await addMachine('52:54:00:00:06:07', 'acme-wifi');
    await addMachine('52:54:00:00:06:08', 'acme');
    const text = await (
      await fetch(`${ts.benchUrl}/boot/ipxe?mac=52:54:00:00:06:07&serial=CZC0099887`)
    ).text();
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(text)![1]!;
    const other = await bootToken('52:54:00:00:06:08');
    const secret = (t: string, name: string) =>
      fetch(`${ts.benchUrl}/agent/v1/secrets/${name}`, {
        headers: { authorization: `Bearer ${t}` },
      });

    const plan = (await (await agent(token).plan()).json()) as {
      value: { steps: { id: string; params: Record<string, unknown> }[] };
    };
    const params = (id: string) => plan.value.steps.find((s) => s.id === id)!.params;
    expect(params('check-host')).toEqual({ expected: 'ACME-099887' });
    expect(params('check-workgroup')).toEqual({
      expected: { type: 'workgroup', name: 'WORKGROUP' },
    });
    expect(params('config-office-wifi')).toMatchObject({ passphrase: { secret: 'office-wifi' } });

    const ok = await secret(token, 'office-wifi');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      ok: true,
      value: { name: 'office-wifi', value: 'W1fi-Passphrase' },
    });
    // Its local admin step names the admin password: the agent sets it (issue 13).
    expect((await secret(token, 'admin-password')).status).toBe(200);
    // Not in its plan: refused, whether the station has it or not.
    expect((await secret(token, 'not-in-this-plan')).status).toBe(404);
    // Another machine whose plan does not use it: refused.
    expect((await secret(other, 'office-wifi')).status).toBe(404);
    expect((await secret('forged', 'office-wifi')).status).toBe(401);

    const log = await (await ts.api(`/api/v1/machines/${m.id}/log`)).text();
    expect(log).toContain('secret-fetched');
    expect(log).not.toContain('W1fi-Passphrase');
  });
});
