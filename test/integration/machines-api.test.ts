import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchSummary, MachineSummary, StationEvent } from '../../main/api/contract.js';
import type { TestStation } from '../helpers/station.js';
import { startAcmeStation } from '../helpers/fixtures.js';

/** The machines UI API and boot-time discovery against a real station on loopback. */
let ts: TestStation;

beforeEach(async () => {
  ts = await startAcmeStation();
});
afterEach(async () => {
  await ts.stop();
});

const json = (body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const boot = async (mac: string, extra = ''): Promise<string> =>
  (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}${extra}`)).text();

async function machines(): Promise<MachineSummary[]> {
  return (await (await ts.api('/api/v1/machines')).json()) as MachineSummary[];
}

describe('machines API', () => {
  it('registers an unknown machine from its boot request and tells it to wait', async () => {
    const script = await boot(
      '52:54:00:00:07:01',
      '&manufacturer=Dell%20Inc.&product=OptiPlex%207010&serial=CZ123',
    );
    expect(script).toMatch(/waiting for a profile/i);
    const list = await machines();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      state: 'discovered',
      macs: ['52:54:00:00:07:01'],
      vendor: 'Dell Inc.',
      model: 'OptiPlex 7010',
      serial: 'CZ123',
    });
    // Asking again is the same machine, not a new one.
    await boot('52:54:00:00:07:01');
    expect(await machines()).toHaveLength(1);
  });

  it('fills a "next 2" batch from the machines that boot, and the third waits', async () => {
    const created = await ts.api(
      '/api/v1/batches',
      json({ profile: 'acme', count: 2, name: 'Row A' }),
    );
    expect(created.status).toBe(201);
    const batch = (await created.json()) as BatchSummary;
    const scripts = [];
    for (const n of [1, 2, 3]) scripts.push(await boot(`52:54:00:00:07:1${n}`));
    expect(scripts[0]).toMatch(/\/t\/[A-Za-z0-9_-]+/);
    expect(scripts[1]).toMatch(/\/t\/[A-Za-z0-9_-]+/);
    expect(scripts[2]).not.toMatch(/\/t\//);
    const b = (await (await ts.api(`/api/v1/batches/${batch.id}`)).json()) as BatchSummary;
    expect(b).toMatchObject({ filled: 2, open: false, profile: 'acme', name: 'Row A' });
    const states = (await machines()).map((m) => m.state).sort();
    expect(states).toEqual(['booting', 'booting', 'discovered']);
  });

  it('assigns by MAC-list batch, by rule, by the bench default, and by hand', async () => {
    expect(
      (await ts.api('/api/v1/batches', json({ profile: 'acme', macs: ['52:54:00:00:07:21'] })))
        .status,
    ).toBe(201);
    expect(
      (
        await ts.api(
          '/api/v1/assignment-rules',
          json({ field: 'vendor', pattern: 'lenovo', profile: 'acme' }),
        )
      ).status,
    ).toBe(201);
    await boot('52:54:00:00:07:21');
    await boot('52:54:00:00:07:22', '&manufacturer=LENOVO');
    await boot('52:54:00:00:07:23', '&manufacturer=HP');
    let list = await machines();
    const by = (mac: string) => list.find((m) => m.macs.includes(mac))!;
    expect(by('52:54:00:00:07:21').state).toBe('booting');
    expect(by('52:54:00:00:07:22').state).toBe('booting');
    expect(by('52:54:00:00:07:23').state).toBe('discovered');

    expect((await ts.api('/api/v1/bench-default', json({ profile: 'acme' }, 'PUT'))).status).toBe(
      200,
    );
    await boot('52:54:00:00:07:24');
    list = await machines();
    expect(by('52:54:00:00:07:24').profile).toBe('acme');

    // By hand, several at once.
    const hp = by('52:54:00:00:07:23');
    const many = await ts.api(
      '/api/v1/machines/assign',
      json({ machines: [hp.id], profile: 'acme' }),
    );
    expect(many.status).toBe(200);
    expect(((await many.json()) as MachineSummary[])[0]!.state).toBe('assigned');
  });

  it('refuses bad requests with a code and a message', async () => {
    const m = await ts.api('/api/v1/machines', json({ mac: '52:54:00:00:07:31' }));
    const id = ((await m.json()) as MachineSummary).id;
    const cases: [string, Promise<Response>, number, string][] = [
      [
        'batch without count or macs',
        ts.api('/api/v1/batches', json({ profile: 'acme' })),
        400,
        'invalid_body',
      ],
      [
        'batch of an unknown profile',
        ts.api('/api/v1/batches', json({ profile: 'nope', count: 1 })),
        400,
        'unknown_profile',
      ],
      [
        'assign an unknown profile',
        ts.api(`/api/v1/machines/${id}/assign`, json({ profile: 'nope' })),
        400,
        'unknown_profile',
      ],
      [
        'assign an unknown machine',
        ts.api('/api/v1/machines/mnope/assign', json({ profile: 'acme' })),
        404,
        'not_found',
      ],
      [
        'unknown field',
        ts.api(`/api/v1/machines/${id}/assign`, json({ profile: 'acme', x: 1 })),
        400,
        'invalid_body',
      ],
      [
        'retry on a discovered machine',
        ts.api(`/api/v1/machines/${id}/steps/inventory/retry`, { method: 'POST' }),
        404,
        'unknown_step',
      ],
      [
        'reset without a profile',
        ts.api(`/api/v1/machines/${id}/reset`, { method: 'POST' }),
        409,
        'not_assigned',
      ],
      ['no token', fetch(`${ts.uiUrl}/api/v1/machines`), 401, 'unauthorized'],
    ];
    for (const [name, res, status, code] of cases) {
      const r = await res;
      expect(r.status, name).toBe(status);
      expect(((await r.json()) as { error: { code: string } }).error.code, name).toBe(code);
    }
  });

  it('streams a whole dashboard row on every change', async () => {
    const ac = new AbortController();
    const res = await fetch(`${ts.uiUrl}/api/v1/events`, {
      headers: { authorization: `Bearer ${ts.token}` },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    const m = await ts.api(
      '/api/v1/machines',
      json({ mac: '52:54:00:00:07:41', name: 'Front desk' }),
    );
    const id = ((await m.json()) as MachineSummary).id;
    await ts.api(`/api/v1/machines/${id}/assign`, json({ profile: 'acme' }));
    let text = '';
    const seen: StationEvent[] = [];
    const deadline = Date.now() + 10_000;
    while (
      Date.now() < deadline &&
      !seen.some((e) => e.type === 'machine' && e.machine.state === 'assigned')
    ) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      for (const block of text.split('\n\n')) {
        const data = block.split('\n').find((l) => l.startsWith('data: ['));
        if (data) seen.push(...(JSON.parse(data.slice(6)) as StationEvent[]));
      }
      text = text.slice(text.lastIndexOf('\n\n') + 2);
    }
    ac.abort();
    const row = seen.find((e) => e.type === 'machine' && e.machine.state === 'assigned');
    expect(row).toMatchObject({
      machine: {
        id,
        name: 'Front desk',
        profile: 'acme',
        customer: 'Müller & Söhne <GmbH>',
        stepsTotal: 6,
        stepsDone: 0,
        deployment: 1,
      },
    });
    expect(seen.some((e) => e.type === 'machine-timeline' && e.entry.kind === 'assigned')).toBe(
      true,
    );
  });
  it('sends every stream client the same batches', async () => {
    const open = async () => {
      const ac = new AbortController();
      const res = await fetch(`${ts.uiUrl}/api/v1/events`, {
        headers: { authorization: `Bearer ${ts.token}` },
        signal: ac.signal,
      });
      return { ac, reader: res.body!.getReader() };
    };
    const a = await open();
    const b = await open();
    const m = await ts.api('/api/v1/machines', json({ mac: '52:54:00:00:07:43', name: 'Twice' }));
    const id = ((await m.json()) as MachineSummary).id;
    // Each client's data blocks up to the one that carries the new machine.
    const blocks = async (r: ReadableStreamDefaultReader<Uint8Array>): Promise<string[]> => {
      let text = '';
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const { value, done } = await r.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        const cut = text.lastIndexOf('\n\n');
        if (cut >= 0 && text.slice(0, cut).includes(`"id":"${id}"`)) {
          return text
            .slice(0, cut)
            .split('\n\n')
            .filter((x) => x.includes('\ndata: ['));
        }
      }
      return [];
    };
    const [fromA, fromB] = await Promise.all([blocks(a.reader), blocks(b.reader)]);
    a.ac.abort();
    b.ac.abort();
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.at(-1)).toBe(fromA.at(-1));
    const events = JSON.parse(fromA.at(-1)!.split('\ndata: ')[1]!) as StationEvent[];
    expect(events.some((e) => e.type === 'machine' && e.machine.id === id)).toBe(true);
  });

  it('replays what the ring holds with ?since=0, and only newer events with ?since=N', async () => {
    const m = await ts.api('/api/v1/machines', json({ mac: '52:54:00:00:07:42', name: 'Replay' }));
    const id = ((await m.json()) as MachineSummary).id;
    const read = async (query: string): Promise<{ events: StationEvent[]; text: string }> => {
      const ac = new AbortController();
      const res = await fetch(`${ts.uiUrl}/api/v1/events${query}`, {
        headers: { authorization: `Bearer ${ts.token}` },
        signal: ac.signal,
      });
      const reader = res.body!.getReader();
      let text = '';
      // The replay is written before anything else; the first data block is enough.
      while (!/\ndata: /.test(text) && !text.includes('event: reset')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      ac.abort();
      const data = text.split('\n').find((l) => l.startsWith('data: ['));
      return { events: data ? (JSON.parse(data.slice(6)) as StationEvent[]) : [], text };
    };
    const all = await read('?since=0');
    const mine = all.events.filter((e) => e.type === 'machine' && e.machine.id === id);
    expect(mine.length).toBeGreaterThan(0);
    expect(all.events[0]!.seq).toBe(1);
    const last = mine[mine.length - 1]!.seq;
    await ts.api(`/api/v1/machines/${id}/assign`, json({ profile: 'acme' }));
    const newer = await read(`?since=${last}`);
    expect(newer.events.length).toBeGreaterThan(0);
    expect(newer.events.every((e) => e.seq > last)).toBe(true);
  });
});
