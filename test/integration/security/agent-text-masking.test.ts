import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSummary, StationEvent } from '../../../main/api/contract.js';
import type { TestStation } from '../../helpers/station.js';
import { startAcmeStation } from '../../helpers/fixtures.js';

/** Issue 13 item 5: a secret or token echoed by an agent never reaches stored or shown text. */
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

describe('agent text is masked when reports arrive', () => {
  it('hides secret values (plain, URL-encoded, base64) and tokens in every view', async () => {
    const wifi = 'Wifi-Pass phrase/42';
    expect((await ts.api('/api/v1/secrets/office-wifi', json({ value: wifi }, 'PUT'))).status).toBe(
      200,
    );
    const mac = '52:54:00:00:13:05';
    const m = (await (
      await ts.api('/api/v1/machines', json({ mac, profile: 'acme' }))
    ).json()) as MachineSummary;
    const script = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)![1]!;

    const seen: StationEvent[] = [];
    const off = ts.station.ctx.bus.on((e) => seen.push(e));
    const b64 = Buffer.from('Adm1n-pw').toString('base64');
    const reports = [
      { type: 'step-started', seq: 1, stepId: 'inventory', attempt: 1, message: `pw=Adm1n-pw` },
      {
        type: 'step-log',
        seq: 2,
        stepId: 'inventory',
        attempt: 1,
        lines: [
          `curl -H "Authorization: Bearer ${token}" ...`,
          `wpa_passphrase office ${wifi}`,
          `url=${encodeURIComponent(wifi)} b64=${b64}`,
          `ui=${ts.token}`,
        ],
      },
      {
        type: 'step-failed',
        seq: 3,
        stepId: 'inventory',
        attempt: 1,
        exitCode: 1,
        reason: `chpasswd failed for admin:Adm1n-pw`,
        logTail: [`echo ${wifi}`, 'plain line stays'],
      },
    ];
    const r = await fetch(`${ts.benchUrl}/agent/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports }),
    });
    expect(r.status).toBe(200);
    // A resend of the same (unmasked) reports is recognized as the same, not a conflict.
    const again = await fetch(`${ts.benchUrl}/agent/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports }),
    });
    expect(again.status).toBe(200);
    off();

    const views = [
      await (await ts.api(`/api/v1/machines/${m.id}`)).text(),
      await (await ts.api(`/api/v1/machines/${m.id}/log?limit=1000`)).text(),
      await (await ts.api(`/api/v1/reports/machines/${m.id}?format=json`)).text(),
      await (await ts.api(`/api/v1/reports/machines/${m.id}?format=csv`)).text(),
      JSON.stringify(seen),
    ];
    const all = views.join('\n');
    for (const secret of ['Adm1n-pw', wifi, encodeURIComponent(wifi), b64, token, ts.token]) {
      expect(all, secret).not.toContain(secret);
    }
    expect(all).toContain('chpasswd failed for admin:***');
    expect(all).toContain('plain line stays');
  });
});
