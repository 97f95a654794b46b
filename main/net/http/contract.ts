import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  RouteOptions,
} from 'fastify';
import type { z } from 'zod';
import { DomainError } from '../../api/domain-error.js';

/**
 * One route of the UI API, declared once: its request schemas (zod) validate what comes
 * in and type the handler; its reply schema types what the handler returns; both make the
 * route's entry in the OpenAPI document (openapi.ts). A reply that is not JSON (a PDF, a
 * diff, an event stream, a WebSocket) names its media type instead.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** One line for the OpenAPI document: what the route does. */
  summary: string;
  /** The area it belongs to (machines, media, profiles...): the document's tag. */
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success body: a zod schema of the JSON value, or the media type of a raw body. */
  reply: z.ZodType | RawReply;
  /** Success statuses (default [200]); the first is the usual one. */
  status?: readonly number[];
  /** Reachable without the UI token (ui-guard.ts): the login, health. */
  public?: boolean;
  /** What to do when the request does not validate (default: follow the document). */
  hint?: string;
  /** Fastify route options the contract does not cover (bodyLimit, config, websocket...). */
  options?: Partial<Omit<RouteOptions, 'method' | 'url' | 'handler' | 'schema'>>;
}

export interface RawReply {
  contentType: string;
  description: string;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type ReplyValue<S> = S extends z.ZodType ? z.input<S> : unknown;

/** What a handler gets: the validated params, query and body, and the request itself. */
export interface RouteInput<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  req: FastifyRequest;
  reply: FastifyReply;
}

export type RouteHandler<S extends RouteSpec> = (
  input: RouteInput<S>,
) => Promise<ReplyValue<S['reply']> | FastifyReply>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's contract, for the OpenAPI document (set by route()). */
    contract?: RouteSpec;
  }
}

export const DEFAULT_HINT =
  'Fix the request to match the API: GET /api/v1/openapi.json describes every route.';

/** A zod error's issues as the API reports them: `path` dotted, empty for the whole part. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/**
 * The one 400 for a request that does not match its schema: code invalid_body,
 * invalid_query or invalid_params; the message lists every issue (`body.count: Too
 * small...`); details holds them as `{ path, message }` for a client to point at.
 */
export function invalidRequest(
  part: 'body' | 'query' | 'params',
  error: z.ZodError,
  hint = DEFAULT_HINT,
): DomainError {
  const issues = issuesOf(error);
  return new DomainError(
    `invalid_${part}`,
    issues.map((i) => `${i.path || part}: ${i.message}`).join('; '),
    { status: 400, details: issues, fix: hint },
  );
}

/** Parses one part of a request with its schema, or throws the one 400. */
export function parsePart<S extends z.ZodType>(
  part: 'body' | 'query' | 'params',
  schema: S,
  value: unknown,
  hint?: string,
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw invalidRequest(part, r.error, hint);
  return r.data;
}

/**
 * Registers a route with its contract. The handler runs with the request already
 * validated; an invalid request never reaches it (the error handler answers 400). A
 * missing body is validated as `{}`, so a body whose members are all optional may be
 * left out.
 */
export function route<const S extends RouteSpec>(
  app: FastifyInstance,
  spec: S,
  handler: RouteHandler<S>,
): void {
  const opts = spec.options ?? {};
  app.route({
    ...opts,
    method: spec.method as HTTPMethods,
    url: spec.url,
    config: {
      ...(opts.config ?? {}),
      contract: spec,
      ...(spec.public ? { public: true } : {}),
    },
    handler: async (req, reply) => {
      const input = {
        params: spec.params ? parsePart('params', spec.params, req.params, spec.hint) : undefined,
        query: spec.query ? parsePart('query', spec.query, req.query ?? {}, spec.hint) : undefined,
        body: spec.body ? parsePart('body', spec.body, req.body ?? {}, spec.hint) : undefined,
        req,
        reply,
      } as RouteInput<S>;
      return handler(input);
    },
  } as RouteOptions);
}

/**
 * The contract of a route that cannot go through route(): a WebSocket route, whose handler
 * gets the socket instead of a reply. Put it in the route's `config`; it is documented
 * like any other, and its params are not validated here (the route does that).
 */
export function documented(spec: RouteSpec): { contract: RouteSpec; public?: true } {
  return { contract: spec, ...(spec.public ? { public: true as const } : {}) };
}

/** A route the listener registered, with its contract when it was declared with route(). */
export interface RegisteredRoute {
  method: string;
  url: string;
  contract: RouteSpec | undefined;
}

/**
 * Records every route added to `app` and its child plugins (an onRoute hook on the root,
 * added before any route), so the OpenAPI document and its test see exactly what the
 * listener serves, including a route someone added without a contract.
 */
export function trackRoutes(app: FastifyInstance): () => RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (r) => {
    // Fastify adds a HEAD twin to every GET: the document describes the GET.
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    for (const method of methods) {
      routes.push({ method, url: r.url, contract: r.config?.contract });
    }
  });
  return () => routes;
}
