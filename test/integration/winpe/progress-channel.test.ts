import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDetail, MachineSummary, StationEvent } from '../../../main/api/contract.js';
import type { TestStation } from '../../helpers/station.js';
import { startAcmeStation } from '../../helpers/fixtures.js';

/**
 * The WinPE progress channel end to end: the test plays WinPE with the requests exactly as
 * deploy.cmd makes them with curl (-d raw fields, --data-urlencode detail/log/out, form
 * content type, POST to /t/<token>/winpe) and watches the machine's row on /api/v1/events.
 */

let ts: TestStation;
beforeAll(async () => {
  ts = await startAcmeStation();
});
afterAll(async () => {
  await ts.stop();
});

/** curl -d "raw" --data-urlencode "name=value" / "name@file": parts joined with &. */
function curlBody(raw: string, encode: Record<string, string> = {}): string {
  const enc = Object.entries(encode).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return [raw, ...enc].join('&');
}

function post(
  token: string,
  body: string,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  const url = new URL(`${ts.benchUrl}/t/${token}/winpe`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        // What curl.exe sends with -d.
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'curl/8.9.1',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function addMachine(mac: string): Promise<{ id: string; token: string }> {
  const r = await ts.api('/api/v1/machines', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mac, profile: 'acme' }),
  });
  const id = ((await r.json()) as MachineSummary).id;
  const text = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
  const token = /\/t\/([A-Za-z0-9_-]+)/.exec(text)![1]!;
  return { id, token };
}

async function row(id: string): Promise<MachineSummary> {
  return ((await (await ts.api(`/api/v1/machines/${id}`)).json()) as MachineDetail).machine;
}

/** Collects machine rows from the event stream until `until` holds or 15 s pass. */
async function watch(
  id: string,
  act: () => Promise<void>,
  until: (rows: MachineSummary[]) => boolean,
) {
  const ac = new AbortController();
  const res = await fetch(`${ts.uiUrl}/api/v1/events`, {
    headers: { authorization: `Bearer ${ts.token}` },
    signal: ac.signal,
  });
  const reader = res.body!.getReader();
  const rows: MachineSummary[] = [];
  await act();
  let text = '';
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !until(rows)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const blocks = text.split('\n\n');
    text = blocks.pop()!;
    for (const block of blocks) {
      const data = block.split('\n').find((l) => l.startsWith('data: ['));
      if (!data) continue;
      for (const e of JSON.parse(data.slice(6)) as StationEvent[]) {
        if (e.type === 'machine' && e.machine.id === id) rows.push(e.machine);
      }
    }
  }
  ac.abort();
  return rows;
}

describe('WinPE progress channel', () => {
  it('moves the row through each phase with its percentage, then refuses reports after WinPE', async () => {
    const m = await addMachine('52:54:00:00:15:01');
    const sends: [string, Record<string, string>?][] = [
      [
        'phase=network&status=done&media=win11-24h2&edition=Windows+11+Pro&index=6&image=wim&pePacks=&packs=dell-5440',
        { detail: 'Windows 11 24H2 (26100), Windows 11 Pro' },
      ],
      ['phase=firmware&status=done&firmware=UEFI', { detail: 'UEFI' }],
      [
        'phase=disk&status=done&disk=2&sizeGB=1000',
        { detail: 'disk 2 SCSI 1000 GB Samsung SSD 980 PRO' },
      ],
      ['phase=download&status=started&total=4700000000&parts=1', { detail: '' }],
      ['phase=download&status=progress&part=1&bytes=2100000000&before=0', { detail: '' }],
      ['phase=download&status=done&', { detail: '' }],
      ['phase=apply&status=started&index=6', { detail: '' }],
      ['phase=apply&status=progress', { out: '[==   10.0%   ]\r[=====   37.0%   ]\r' }],
    ];
    const rows = await watch(
      m.id,
      async () => {
        for (const [raw, enc] of sends)
          expect((await post(m.token, curlBody(raw, enc))).status).toBe(204);
      },
      (rs) => rs.some((r) => r.step === 'Applying image 37 %'),
    );
    const steps = rows.map((r) => r.step);
    expect(steps).toContain('Downloading image 2.1 of 4.7 GB');
    expect(steps).toContain('Applying image 37 %');
    expect(rows.at(-1)!.driverWarning).toBeNull();
    const downloading = rows.find((r) => r.step === 'Downloading image 2.1 of 4.7 GB')!;
    expect(downloading.state).toBe('installing-os');
    expect(downloading.progress).toBe(22); // 5 + 40 * 2.1/4.7
    expect(rows.find((r) => r.step === 'Applying image 37 %')!.progress).toBe(61); // 45 + 45 * 0.37

    for (const [raw, enc] of [
      ['phase=unattend&status=done&', {}],
      ['phase=drivers&status=skipped&', { detail: 'no driver pack for Dell Inc. Latitude 5440' }],
      ['phase=boot&status=done&', {}],
      ['phase=reboot&status=done&', {}],
    ] as const) {
      expect((await post(m.token, curlBody(raw, enc))).status).toBe(204);
    }
    expect((await row(m.id)).step).toBe('Restarting into Windows');
    // WinPE said it restarts: a late or replayed WinPE report is refused.
    const late = await post(m.token, curlBody('phase=apply&status=failed&code=5'));
    expect(late.status).toBe(409);
    expect(JSON.parse(late.body).error.code).toBe('not_in_winpe');
    expect((await row(m.id)).state).toBe('installing-os');
  });

  it('a failure in WinPE ends the row with the reason, its code and the log', async () => {
    const m = await addMachine('52:54:00:00:15:02');
    await post(
      m.token,
      curlBody('phase=network&status=done&media=win11-24h2&pePacks=&packs=', { detail: '' }),
    );
    // No driver pack for its model: said on the row, not silently installed without drivers.
    expect((await row(m.id)).driverWarning).toMatch(/^No driver pack for .*Drivers screen/);
    const rows = await watch(
      m.id,
      async () => {
        const r = await post(
          m.token,
          curlBody('phase=apply&status=failed&code=1392', {
            detail: '',
            log: `Deployment Image Servicing and Management tool\r\nError: 1392\r\n\r\nThe file or directory is corrupted and unreadable.\r\ncurl: (22) ${ts.benchUrl}/t/${m.token}/winpe\r\n`,
          }),
        );
        expect(r.status).toBe(204);
      },
      (rs) => rs.some((r) => r.state === 'failed'),
    );
    const failed = rows.find((r) => r.state === 'failed')!;
    expect(failed.failure).toMatchObject({
      step: 'Windows install (WinPE)',
      reason: 'WinPE: applying image failed (code 1392)',
    });
    expect(failed.failure!.fix).toContain('1392');
    const log = (await (await ts.api(`/api/v1/machines/${m.id}/log`)).json()) as {
      data: { kind: string; logTail?: string[] };
    }[];
    const entry = log.map((e) => e.data).find((d) => d.kind === 'winpe' && d.logTail);
    expect(entry!.logTail).toEqual([
      'Deployment Image Servicing and Management tool',
      'Error: 1392',
      'The file or directory is corrupted and unreadable.',
      `curl: (22) ${ts.benchUrl}/t/***/winpe`,
    ]);
    // Failed: WinPE's reports are over for this deployment.
    expect((await post(m.token, curlBody('phase=apply&status=progress'))).status).toBe(409);
  });

  it("refuses another machine's token, another address and a bad body", async () => {
    const a = await addMachine('52:54:00:00:15:03');
    const b = await addMachine('52:54:00:00:15:04');
    const body = curlBody('phase=disk&status=started&', { detail: '' });
    expect((await post('not-a-token', body)).status).toBe(401);
    // Machine b's token is valid, but its reports change only b.
    expect(
      (await post(b.token, curlBody('phase=disk&status=failed&code=1', { detail: 'x' }))).status,
    ).toBe(204);
    expect((await row(a.id)).state).toBe('booting');
    expect((await row(b.id)).state).toBe('failed');
    // From another address than the one a booted from.
    const other = await post(a.token, body, '127.0.0.2');
    expect(other.status).toBe(403);
    expect(JSON.parse(other.body).error.code).toBe('wrong_address');
    expect((await post(a.token, curlBody('phase=format-c&status=done'))).status).toBe(400);
    expect((await row(a.id)).state).toBe('booting');
  });
});
