import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import { rawLine } from '../../helpers/raw-http.js';
import { targetVariants } from '../../helpers/request-shapes.js';

describe('the UI token guards every route, decided on the matched route', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startTestStation();
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  const guarded = [
    '/api/v1/secrets',
    '/api/v1/machines',
    '/api/v1/apps',
    '/api/v1/profiles',
    '/api/v1/services',
    '/api/v1/settings/network',
    '/api/v1/terminals',
    '/api/v1/batches',
    '/api/v1/bench-default',
    '/api/v1/settings/shop',
  ];

  it('answers 401 or another 4xx to every encoding of a guarded path without the token', async () => {
    const host = new URL(s.uiUrl).host;
    const leaks: string[] = [];
    for (const p of guarded) {
      for (const target of targetVariants(p, host)) {
        for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
          const r = await rawLine(
            s.uiUrl,
            method,
            target,
            method === 'GET' ? {} : { 'content-type': 'text/plain' },
            method === 'GET' ? '' : '{"id":"x"}',
          );
          if (r.status < 400 || r.status >= 500) leaks.push(`${method} ${target}: ${r.status}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 120_000);

  it('the audit case: /%61pi/v1/secrets and an absolute-form line are refused', async () => {
    const host = new URL(s.uiUrl).host;
    expect((await rawLine(s.uiUrl, 'GET', '/%61pi/v1/secrets')).status).toBe(401);
    expect((await rawLine(s.uiUrl, 'GET', '/ap%69/v1/secrets')).status).toBe(401);
    expect((await rawLine(s.uiUrl, 'GET', `http://${host}/api/v1/secrets`)).status).toBe(401);
  });

  it('keeps the short public list open and everything works with the token', async () => {
    expect((await rawLine(s.uiUrl, 'GET', '/api/v1/health')).status).toBe(200);
    const login = await fetch(`${s.uiUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: s.token }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${s.uiUrl}/api/v1/secrets`, { headers: { cookie } })).status).toBe(200);
    for (const p of guarded) expect((await s.api(p)).status, p).toBe(200);
    // Terminals keep working with the token (their own guard checks it again).
    expect((await s.api('/api/v1/terminals')).status).toBe(200);
    // An unknown path is a 404 with the token and a 401 without it.
    expect((await s.api('/nowhere')).status).toBe(404);
    expect((await rawLine(s.uiUrl, 'GET', '/nowhere')).status).toBe(401);
  });

  it('opening the dashboard link sets the cookie and drops the token from the URL', async () => {
    const r = await fetch(`${s.uiUrl}/?token=${s.token}`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    expect(r.headers.get('set-cookie')).toMatch(/prepstation_token=/);
  });
});
