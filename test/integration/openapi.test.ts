import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';

type Json = Record<string, unknown>;
type Operation = {
  'x-no-contract'?: true;
  tags?: string[];
  summary?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

let s: TestStation;
let doc: Doc;
beforeAll(async () => {
  s = await startTestStation();
  const res = await s.api('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(async () => {
  await s?.stop();
});

const operations = (): [string, string, Operation][] =>
  Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(([m, op]): [string, string, Operation] => [m.toUpperCase(), p, op]),
  );

describe('GET /api/v1/openapi.json: the UI API, made from its schemas', () => {
  it('needs the token like the rest of the API', async () => {
    expect((await fetch(`${s.uiUrl}/api/v1/openapi.json`)).status).toBe(401);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every route the UI listener registered, each with its schemas', () => {
    // The document is made from what the listener's onRoute hook saw: a route registered
    // without route() is in it as x-no-contract, and fails here.
    const missing = operations()
      .filter(([, , op]) => op['x-no-contract'])
      .map(([m, p]) => `${m} ${p}`);
    expect(missing, 'routes registered without a contract (use route())').toEqual([]);
    for (const [method, p, op] of operations()) {
      const where = `${method} ${p}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.tags?.length, where).toBe(1);
      const success = Object.entries(op.responses).filter(([code]) => /^2\d\d$/.test(code));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [, r] of success) {
        const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
        expect(type, where).toBeTruthy();
        if (type === 'application/json') expect(media?.schema, where).toBeTruthy();
      }
      expect(op.responses.default, where).toBeTruthy();
      // Every :param of the path is described.
      const named = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const described = (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name);
      expect(described.sort(), where).toEqual(named.sort());
      if (op.requestBody) {
        expect(op.requestBody.content['application/json']?.schema, where).toBeTruthy();
      }
    }
  });

  it('holds the routes of every area', () => {
    const have = new Set(operations().map(([m, p]) => `${m} ${p}`));
    for (const route of [
      'GET /api/v1/health',
      'GET /api/v1/services',
      'GET /api/v1/events',
      'POST /api/v1/session',
      'GET /api/v1/apps',
      'POST /api/v1/apps',
      'GET /api/v1/media',
      'POST /api/v1/media',
      'DELETE /api/v1/media/{id}',
      'GET /api/v1/drivers',
      'GET /api/v1/profiles',
      'PUT /api/v1/profiles/{id}',
      'POST /api/v1/profiles/{id}/preview',
      'GET /api/v1/profiles-readiness',
      'GET /api/v1/secrets',
      'PUT /api/v1/secrets/{name}',
      'GET /api/v1/settings/network',
      'PUT /api/v1/settings/shop',
      'GET /api/v1/reports/machines/{id}',
      'GET /api/v1/boot-log',
      'GET /api/v1/terminals',
      'GET /api/v1/terminals/{id}/socket',
      'GET /api/v1/machines',
      'POST /api/v1/machines/{id}/assign',
      'POST /api/v1/batches',
    ]) {
      expect(have.has(route), route).toBe(true);
    }
    // The agent API is not the UI API: it lives on the bench listener.
    expect([...have].some((r) => r.includes('/agent/'))).toBe(false);
  });

  it('validates what the station really answers: every GET without parameters matches its reply schema', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    let checked = 0;
    for (const [method, p, op] of operations()) {
      if (method !== 'GET' || p.includes('{') || (op.parameters ?? []).some((x) => x.in === 'path'))
        continue;
      const schema = op.responses['200']?.content?.['application/json']?.schema;
      if (!schema) continue; // a raw body (the event stream)
      const res = await s.api(p);
      expect(res.status, p).toBe(200);
      const body: unknown = await res.json();
      const valid = ajv.validate(schema, body);
      expect(valid ? [] : ajv.errors, `${p} answers what its schema says`).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('validates real answers of routes with parameters and of writes against their schemas too', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const check = async (method: string, p: string, url: string, init: RequestInit = {}) => {
      const op = doc.paths[p]?.[method.toLowerCase()];
      expect(op, `${method} ${p} is documented`).toBeTruthy();
      const res = await s.api(url, {
        method,
        ...init,
        headers: init.body ? { 'content-type': 'application/json' } : {},
      });
      const body: unknown = await res.json();
      const schema = op!.responses[String(res.status)]?.content?.['application/json']?.schema;
      expect(
        schema,
        `${method} ${url} answered ${res.status}: ${JSON.stringify(body)}`,
      ).toBeTruthy();
      const valid = ajv.validate(schema!, body);
      expect(valid ? [] : ajv.errors, `${method} ${url} answers what its schema says`).toEqual([]);
      return body;
    };
    const json = (v: unknown): RequestInit => ({ body: JSON.stringify(v) });
    const m = (await check(
      'POST',
      '/api/v1/machines',
      '/api/v1/machines',
      json({ mac: '52:54:00:12:34:56', name: 'bench-1' }),
    )) as { id: string };
    await check('GET', '/api/v1/machines/{id}', `/api/v1/machines/${m.id}`);
    await check('GET', '/api/v1/machines/{id}/log', `/api/v1/machines/${m.id}/log`);
    await check(
      'POST',
      '/api/v1/machines/{id}/assign',
      `/api/v1/machines/${m.id}/assign`,
      json({ profile: 'dental-weber' }),
    );
    await check(
      'POST',
      '/api/v1/batches',
      '/api/v1/batches',
      json({ profile: 'dental-weber', count: 2 }),
    );
    await check('GET', '/api/v1/profiles/{id}', '/api/v1/profiles/dental-weber');
    await check(
      'GET',
      '/api/v1/profiles/{id}/readiness',
      '/api/v1/profiles/dental-weber/readiness',
    );
    await check(
      'POST',
      '/api/v1/profiles/{id}/preview',
      '/api/v1/profiles/dental-weber/preview',
      json({}),
    );
    await check(
      'PUT',
      '/api/v1/secrets/{name}',
      '/api/v1/secrets/admin-password',
      json({ value: 'S3cret!' }),
    );
    await check('PUT', '/api/v1/settings/shop', '/api/v1/settings/shop', json({ name: 'Shop' }));
    // An error answers the one error shape, which the document names as every route's default.
    const err = await s.api('/api/v1/machines/nope');
    expect(err.status).toBe(404);
    const errorSchema = (doc as unknown as { components: { schemas: { ErrorReply: object } } })
      .components.schemas.ErrorReply;
    expect(ajv.validate(errorSchema, await err.json()) ? [] : ajv.errors).toEqual([]);
  });
});
