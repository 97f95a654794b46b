import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../main/api/contract.js';
import type { TestStation } from '../helpers/station.js';
import { startAcmeStation } from '../helpers/fixtures.js';

/** The stall timer as it runs in a station: --stall-minutes 0.03 is about 2 seconds. */
let ts: TestStation;

beforeEach(async () => {
  ts = await startAcmeStation(['--stall-minutes', '0.03']);
});
afterEach(async () => {
  await ts.stop();
});

async function state(id: string): Promise<MachineSummary> {
  return ((await (await ts.api(`/api/v1/machines/${id}`)).json()) as { machine: MachineSummary })
    .machine;
}

describe('stalled machines', () => {
  it('marks a silent booting machine stalled, and its next request brings it back', async () => {
    const r = await ts.api('/api/v1/machines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac: '52:54:00:00:09:01', profile: 'acme' }),
    });
    const id = ((await r.json()) as MachineSummary).id;
    await fetch(`${ts.benchUrl}/boot/ipxe?mac=52:54:00:00:09:01`);
    expect((await state(id)).state).toBe('booting');
    // An assigned machine that never boots is waiting for the technician, not stalled.
    const idle = await ts.api('/api/v1/machines', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mac: '52:54:00:00:09:02', profile: 'acme' }),
    });
    const idleId = ((await idle.json()) as MachineSummary).id;

    await expect.poll(async () => (await state(id)).state, { timeout: 15_000 }).toBe('stalled');
    const s = await state(id);
    expect(s.stalledIn).toBe('booting');
    expect(s.step).toBe('No word from the machine');
    expect((await state(idleId)).state).toBe('assigned');

    await fetch(`${ts.benchUrl}/boot/ipxe?mac=52:54:00:00:09:01`);
    const back = await state(id);
    expect(back).toMatchObject({ state: 'booting', stalledIn: null });
    const log = (await (await ts.api(`/api/v1/machines/${id}/log`)).json()) as { kind: string }[];
    expect(log.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['assigned', 'booting', 'stalled', 'resumed']),
    );
  });
});
