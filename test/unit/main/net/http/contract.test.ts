import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { route, trackRoutes } from '../../../../../main/net/http/contract.js';
import { installErrorHandler } from '../../../../../main/net/http/errors.js';
import { openApiDocument } from '../../../../../main/net/http/openapi.js';

function testApp() {
  const app = Fastify();
  installErrorHandler(app, 'test');
  const routes = trackRoutes(app);
  route(
    app,
    {
      method: 'POST',
      url: '/api/v1/things/:id/count',
      tag: 'things',
      summary: 'Count a thing.',
      params: z.object({ id: z.string().min(2) }),
      query: z.object({ times: z.coerce.number().int().min(1).default(1) }),
      body: z.strictObject({ by: z.number().int(), note: z.string().optional() }),
      reply: z.object({ id: z.string(), total: z.number() }),
      status: [201],
      hint: 'Send { by: <whole number> }.',
    },
    async ({ params, query, body, reply }) => {
      reply.code(201);
      return { id: params.id, total: body.by * query.times };
    },
  );
  return { app, routes };
}

describe('route(): one declaration validates, types and documents a route', () => {
  it('hands the handler parsed params, query and body', async () => {
    const { app } = testApp();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things/ab/count?times=3',
      payload: { by: 2 },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'ab', total: 6 });
    await app.close();
  });

  it.each([
    ['a bad body', '/api/v1/things/ab/count', { by: 'x' }, 'invalid_body', 'by'],
    ['an unknown member', '/api/v1/things/ab/count', { by: 1, mood: 1 }, 'invalid_body', ''],
    ['no body at all', '/api/v1/things/ab/count', undefined, 'invalid_body', 'by'],
    ['a bad query', '/api/v1/things/ab/count?times=0', { by: 1 }, 'invalid_query', 'times'],
    ['a bad param', '/api/v1/things/a/count', { by: 1 }, 'invalid_params', 'id'],
  ])('answers %s with the one 400', async (_what, url, payload, code, path) => {
    const { app } = testApp();
    const res = await app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
    expect(res.statusCode).toBe(400);
    const body = res.json() as {
      ok: false;
      error: { code: string; message: string; fix: string; details: { path: string }[] };
    };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe(code);
    expect(body.error.fix).toBe('Send { by: <whole number> }.');
    expect(body.error.details[0]!.path).toBe(path);
    expect(body.error.message).toContain(path || code.slice('invalid_'.length));
    await app.close();
  });

  it('documents the route from the same schemas, and flags one without a contract', async () => {
    const { app, routes } = testApp();
    app.get('/api/v1/bare', async () => ({}));
    app.get('/not-api', async () => ({}));
    await app.ready();
    const doc = openApiDocument(routes(), '9.9.9') as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/bare', '/api/v1/things/{id}/count']);
    const op = doc.paths['/api/v1/things/{id}/count']!.post!;
    expect(op.tags).toEqual(['things']);
    expect(op.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 2 } },
      expect.objectContaining({ name: 'times', in: 'query', required: false }),
    ]);
    expect(op.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: { type: 'object', required: ['by'], additionalProperties: false },
        },
      },
    });
    expect(op.responses).toMatchObject({
      201: { content: { 'application/json': { schema: { required: ['id', 'total'] } } } },
      default: { content: { 'application/json': { schema: { $ref: expect.any(String) } } } },
    });
    expect(doc.paths['/api/v1/bare']!.get).toMatchObject({ 'x-no-contract': true });
    await app.close();
  });
});
