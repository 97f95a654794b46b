import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { TermClient, connect } from './terminal-client.js';

const skip = process.platform === 'win32' ? 'the pty tests use a POSIX shell' : null;
// A plain sh: the machine's own bash profile (pyenv, conda...) can take seconds to start.
process.env.SHELL = '/bin/sh';

describe.skipIf(skip !== null)('terminal: the most sensitive route', () => {
  let st: TestStation;
  const openCount = async (): Promise<number> =>
    ((await (await st.api('/api/v1/terminals')).json()) as unknown[]).length;

  beforeAll(async () => {
    st = await startTestStation();
  });
  afterAll(async () => {
    await st?.stop();
  });

  const post = (headers: Record<string, string>, body: unknown = { kind: 'local' }) =>
    fetch(`${st.uiUrl}/api/v1/terminals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('opens no shell without the token, with a wrong one, or from a foreign page', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['no token', {}, 401, 'unauthorized'],
      ['wrong bearer', { authorization: 'Bearer not-the-token-0123456789' }, 401, 'unauthorized'],
      [
        'wrong cookie',
        { cookie: 'prepstation_token=not-the-token-0123456789' },
        401,
        'unauthorized',
      ],
      [
        'foreign origin, right token',
        { authorization: `Bearer ${st.token}`, origin: 'http://evil.example' },
        403,
        'forbidden_origin',
      ],
      [
        'same host, other port (SameSite would send the cookie)',
        { cookie: `prepstation_token=${st.token}`, origin: 'http://127.0.0.1:9' },
        403,
        'forbidden_origin',
      ],
    ];
    for (const [name, headers, status, code] of cases) {
      const res = await post(headers);
      expect(res.status, name).toBe(status);
      expect(await res.json(), name).toMatchObject({ ok: false, error: { code } });
    }
    expect(await openCount()).toBe(0);

    // The dashboard's own page, with its cookie, may.
    const ok = await post({ cookie: `prepstation_token=${st.token}`, origin: st.uiUrl });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    expect((await st.api(`/api/v1/terminals/${id}`, { method: 'DELETE' })).status).toBe(200);
  });

  it('checks the token and the Origin on the WebSocket upgrade too', async () => {
    const t = await TermClient.open(st);
    const id = t.info.id;
    await expect(connect(st, id, {})).rejects.toThrow(/401/);
    await expect(
      connect(st, id, { cookie: 'prepstation_token=wrong-wrong-wrong-wrong' }),
    ).rejects.toThrow(/401/);
    await expect(
      connect(st, id, { cookie: `prepstation_token=${st.token}`, origin: 'http://evil.example' }),
    ).rejects.toThrow(/403/);
    await expect(connect(st, '00000000-0000-0000-0000-000000000000')).rejects.toThrow(/404/);

    // The right cookie from the dashboard's origin takes the session over (like a reload).
    const ws = await connect(st, id, { cookie: `prepstation_token=${st.token}`, origin: st.uiUrl });
    expect(await t.closed).toBe(4409);
    ws.close();
    await st.api(`/api/v1/terminals/${id}`, { method: 'DELETE' });
  });

  it('is not on the bench listener at all', async () => {
    const res = await fetch(`${st.benchUrl}/api/v1/terminals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${st.token}` },
      body: JSON.stringify({ kind: 'local' }),
    });
    expect(res.status).toBe(404);
  });

  it('validates the request: no ssh option injection, host or machine required', async () => {
    const bad = [
      { kind: 'ssh', host: '-oProxyCommand=touch /tmp/x', user: 'root' },
      { kind: 'ssh', host: '10.0.0.5', user: '-oProxyCommand=x' },
      { kind: 'ssh', user: 'root' },
      { kind: 'local', shell: '/bin/sh' },
      { kind: 'local', cols: 100000 },
    ];
    for (const body of bad) {
      const res = await st.api('/api/v1/terminals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const unknown = await st.api('/api/v1/terminals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'ssh', machineId: 'no-such-machine', user: 'root' }),
    });
    expect(unknown.status).toBe(404);
    expect(await openCount()).toBe(0);
  });

  it('limits the number of open terminals', async () => {
    const opened: string[] = [];
    for (;;) {
      const res = await st.api('/api/v1/terminals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'local' }),
      });
      if (res.status !== 201) {
        expect(res.status).toBe(429);
        expect(await res.json()).toMatchObject({ error: { code: 'too_many_terminals' } });
        break;
      }
      opened.push(((await res.json()) as { id: string }).id);
      expect(opened.length).toBeLessThanOrEqual(8);
    }
    expect(opened).toHaveLength(8);
    for (const id of opened) await st.api(`/api/v1/terminals/${id}`, { method: 'DELETE' });
    expect(await openCount()).toBe(0);
  });
});
