import { z } from 'zod';
import type { RegisteredRoute, RouteSpec } from './contract.js';
import { DEFAULT_HINT } from './contract.js';

type Json = Record<string, unknown>;

/** The error reply every route may answer with: `{ ok: false, error }`. */
export const errorReplySchema = z.strictObject({
  ok: z.literal(false),
  error: z.strictObject({
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. not_found.' }),
    message: z.string().meta({ description: 'One sentence a technician can act on.' }),
    fix: z.string().optional().meta({ description: 'What to do about it, when known.' }),
    details: z.unknown().optional(),
  }),
});

/** A zod schema as JSON Schema; `io` picks the request (input) or the reply (output) side. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, {
    io,
    // OpenAPI 3.1 takes JSON Schema 2020-12 as it is (a client can validate with it).
    target: 'draft-2020-12',
    // A transform or a coerced number has no JSON Schema of its own: what it accepts is
    // described as far as it can be; the route's validation stays the zod schema.
    unrepresentable: 'any',
  }) as Json;
  delete s.$schema;
  return s;
}

/** `/api/v1/machines/:id/steps/:step` as OpenAPI writes it: `{id}`, `{step}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: RouteSpec, url: string): Json[] {
  const out: Json[] = [];
  const named = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const params = spec.params ? jsonSchema(spec.params, 'input') : null;
  const paramProps = (params?.properties ?? {}) as Record<string, Json>;
  for (const name of named) {
    out.push({ name, in: 'path', required: true, schema: paramProps[name] ?? { type: 'string' } });
  }
  if (spec.query) {
    const q = jsonSchema(spec.query, 'input');
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, Json>)) {
      out.push({ name, in: 'query', required: required.has(name), schema });
    }
  }
  return out;
}

function operation(spec: RouteSpec, url: string): Json {
  const statuses = spec.status ?? [200];
  const success =
    spec.reply instanceof z.ZodType
      ? { content: { 'application/json': { schema: jsonSchema(spec.reply, 'output') } } }
      : { content: { [spec.reply.contentType]: {} }, 'x-raw': spec.reply.description };
  const responses: Json = {};
  for (const status of statuses) {
    responses[String(status)] = { description: spec.summary, ...success };
  }
  responses.default = {
    description: `An error: { ok: false, error: { code, message, fix?, details? } }. ${spec.hint ?? DEFAULT_HINT}`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorReply' } } },
  };
  const op: Json = {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method.toLowerCase()}${openApiPath(url).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    parameters: parameters(spec, url),
    responses,
  };
  if (spec.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
    };
  }
  if (spec.public) op.security = [];
  return op;
}

/**
 * The OpenAPI 3.1 document of the UI API, made from the routes the listener registered.
 * A route registered without a contract still appears, marked `x-no-contract`, with no
 * schemas: the document never hides a route, and the test that every route has a
 * contract finds it.
 */
export function openApiDocument(routes: RegisteredRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    if (!r.url.startsWith('/api/')) continue;
    const p = (paths[openApiPath(r.url)] ??= {});
    p[r.method.toLowerCase()] = r.contract
      ? operation(r.contract, r.url)
      : { 'x-no-contract': true, responses: { default: { description: 'Not described.' } } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PrepStation UI API',
      version,
      description:
        'The API of the station UI listener. A success answers the value its schema names ' +
        '(HTTP 2xx); a failure answers { ok: false, error: { code, message, fix?, details? } } ' +
        'with a 4xx or 5xx status. Every route but the public ones needs the station token.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'prepstation_token' },
      },
      schemas: { ErrorReply: jsonSchema(errorReplySchema, 'output') },
    },
    security: [{ bearer: [] }, { cookie: [] }],
    paths,
  };
}
