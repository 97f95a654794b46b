import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../../helpers/station.js';
import { rawLine } from '../../helpers/raw-http.js';

/** Issue 13 item 3: cross-origin writes, DNS rebinding and content types on the UI listener. */
describe('CSRF and DNS rebinding on the UI listener', () => {
  let s: TestStation;
  let cookie: string;
  let origin: string;
  beforeAll(async () => {
    s = await startTestStation();
    cookie = `prepstation_token=${s.token}`;
    origin = new URL(s.uiUrl).origin;
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  const upload = '/api/v1/apps?name=evil&version=1&fileName=evil.msi';

  it('refuses a logged-in page on another port of 127.0.0.1 (same site) posting anything', async () => {
    const port = Number(new URL(s.uiUrl).port);
    const foreign = `http://127.0.0.1:${port === 9999 ? 9998 : 9999}`;
    for (const [method, p, type, body] of [
      ['POST', upload, 'text/plain', 'MZ evil bytes'],
      ['POST', upload, 'application/octet-stream', 'MZ evil bytes'],
      ['PUT', '/api/v1/bench-default', 'application/json', '{"profile":null}'],
      ['PUT', '/api/v1/secrets/admin', 'application/json', '{"value":"x"}'],
      ['DELETE', '/api/v1/secrets/admin', 'application/json', ''],
      ['POST', '/api/v1/machines', 'application/x-www-form-urlencoded', 'mac=x'],
    ] as const) {
      for (const o of [foreign, 'http://evil.example', 'null', `http://localhost:${port + 1}`]) {
        const r = await rawLine(
          s.uiUrl,
          method,
          p,
          { cookie, origin: o, 'content-type': type },
          body,
        );
        expect(r.status, `${method} ${p} from ${o}`).toBe(403);
      }
    }
    const site = await rawLine(
      s.uiUrl,
      'POST',
      upload,
      { cookie, 'sec-fetch-site': 'same-site', 'content-type': 'application/octet-stream' },
      'x',
    );
    expect(site.status).toBe(403);
    const list = (await (await s.api('/api/v1/apps')).json()) as unknown[];
    expect(list).toEqual([]);
  });

  it('refuses a foreign host name (DNS rebinding), even with the token', async () => {
    const r = await rawLine(s.uiUrl, 'GET', '/api/v1/secrets', {
      host: 'rebind.evil.example',
      authorization: `Bearer ${s.token}`,
    });
    expect(r.status).toBe(421);
    const only = await rawLine(s.uiUrl, 'GET', '/api/v1/health', { host: 'x.evil.example' });
    expect(only.status).toBe(421);
    const local = await rawLine(s.uiUrl, 'GET', '/api/v1/secrets', {
      host: `localhost:${new URL(s.uiUrl).port}`,
      authorization: `Bearer ${s.token}`,
    });
    expect(local.status).toBe(200);
  });

  it('JSON routes take application/json only; uploads their own type only', async () => {
    const plain = await rawLine(
      s.uiUrl,
      'PUT',
      '/api/v1/bench-default',
      { cookie, origin, 'content-type': 'text/plain' },
      '{"profile":null}',
    );
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body)).toMatchObject({
      ok: false,
      error: { code: 'unsupported_media_type' },
    });
    const json = await rawLine(
      s.uiUrl,
      'PUT',
      '/api/v1/bench-default',
      { cookie, origin, 'content-type': 'application/json' },
      '{"profile":null}',
    );
    expect(json.status).toBe(200);
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/json', '']) {
      const r = await rawLine(
        s.uiUrl,
        'POST',
        upload,
        { cookie, origin, ...(type ? { 'content-type': type } : {}) },
        'MZ',
      );
      expect(r.status, type).toBe(415);
    }
    const ok = await rawLine(
      s.uiUrl,
      'POST',
      upload,
      { cookie, origin, 'content-type': 'application/octet-stream' },
      'MZ',
    );
    expect(ok.status).toBe(201);
  });
});
