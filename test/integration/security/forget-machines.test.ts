import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../../main/api/contract.js';
import { AgentTokens } from '../../../main/agent/tokens.js';
import { EventBus } from '../../../main/events/bus.js';
import { machineEventsToBus } from '../../../main/machines/events.js';
import { MachineRegistry } from '../../../main/machines/registry.js';
import { MachineStore } from '../../../main/machines/store.js';
import type { TestStation } from '../../helpers/station.js';
import { startAcmeStation } from '../../helpers/fixtures.js';

/** Issue 13 item 9: the technician can forget discovered machines, one or many. */
let ts: TestStation;
beforeEach(async () => {
  ts = await startAcmeStation();
});
afterEach(async () => {
  await ts.stop();
});

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const list = async () => (await (await ts.api('/api/v1/machines')).json()) as MachineSummary[];
const discover = (mac: string) => fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`);

describe('forgetting machines', () => {
  it('forgets one or many, kept across restarts, but not one being deployed', async () => {
    const macs = ['52:54:00:13:f0:01', '52:54:00:13:f0:02', '52:54:00:13:f0:03'];
    for (const m of macs) await discover(m);
    const ids = (await list()).map((m) => m.id);
    expect(ids).toHaveLength(3);

    const one = await ts.api(`/api/v1/machines/${ids[0]}`, { method: 'DELETE' });
    expect(one.status).toBe(200);
    const many = await ts.api('/api/v1/machines/forget', post({ machines: ids.slice(1) }));
    expect(many.status).toBe(200);
    expect(await many.json()).toEqual({ forgotten: ids.slice(1) });
    expect(await list()).toEqual([]);
    // Kept forgotten across a restart: the registry rebuilt from the log skips them.
    const rebuilt = new MachineRegistry({
      store: new MachineStore(ts.station.ctx.db),
      events: machineEventsToBus(new EventBus()),
      logger: ts.station.ctx.logger,
      now: () => new Date(),
      tokens: new AgentTokens(Buffer.alloc(32)),
    });
    rebuilt.load();
    expect(rebuilt.list()).toEqual([]);
    // Seen again, it is a new machine.
    await discover(macs[0]!);
    expect((await list()).map((m) => m.macs[0])).toEqual([macs[0]]);

    // One that is deploying is refused, with what to do; nothing is forgotten then.
    const add = await ts.api(
      '/api/v1/machines',
      post({ mac: '52:54:00:13:f0:09', profile: 'acme' }),
    );
    const busy = ((await add.json()) as MachineSummary).id;
    await discover('52:54:00:13:f0:09');
    const refused = await ts.api(
      '/api/v1/machines/forget',
      post({ machines: [(await list())[0]!.id, busy] }),
    );
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'machine_busy' } });
    expect(await list()).toHaveLength(2);
    expect((await ts.api('/api/v1/machines/nope', { method: 'DELETE' })).status).toBe(404);
  });
});
