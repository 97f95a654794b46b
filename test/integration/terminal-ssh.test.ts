import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../main/api/contract.js';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { TermClient } from './terminal-client.js';

const skip = requireOrSkip(commandUnavailable('ssh', 'openssh-client'));

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(skip !== null)(`ssh terminals${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let st: TestStation;

  beforeAll(async () => {
    st = await startTestStation();
  });
  afterAll(async () => {
    await st?.stop();
  });

  it('reach a machine at the address it booted from, and show ssh’s own error', async () => {
    // The machine asks for its boot script from 127.0.0.1: the registry learns that address.
    const mac = '52:54:00:10:00:01';
    expect((await fetch(`${st.benchUrl}/boot/ipxe?mac=${mac}`)).status).toBe(200);
    const machines = (await (await st.api('/api/v1/machines')).json()) as MachineSummary[];
    const m = machines.find((x) => x.macs.includes(mac));
    expect(m?.ip).toBe('127.0.0.1');

    const port = await closedPort();
    const t = await TermClient.open(st, { kind: 'ssh', machineId: m!.id, user: 'tech', port });
    expect(t.info).toMatchObject({ kind: 'ssh', title: 'tech@127.0.0.1', machineId: m!.id });
    await t.waitFor(new RegExp(`127\\.0\\.0\\.1 port ${port}: Connection refused`));
    expect(await t.closed).toBe(1000);
    expect(t.exit).toMatchObject({ exitCode: 255 });
  });

  it('refuses a machine whose address is unknown, unless one is given', async () => {
    const res = await st.api('/api/v1/terminals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'ssh', machineId: 'no-such-machine', user: 'root' }),
    });
    expect(res.status).toBe(404);
    const port = await closedPort();
    const t = await TermClient.open(st, { kind: 'ssh', host: '127.0.0.1', user: 'root', port });
    expect(t.info.title).toBe('root@127.0.0.1');
    await t.waitFor(/Connection refused/);
    await t.closed;
  });
});
