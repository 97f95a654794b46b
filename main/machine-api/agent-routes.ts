import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { StationContext } from '../context.js';
import { bearer } from '../net/http/auth.js';
import { issuesOf } from '../net/http/contract.js';
import { sendError } from '../net/http/errors.js';
import { MachineError } from '../machines/registry.js';
import type { MachineView } from '../machines/types.js';
import { absolutePlanSteps } from '../agent/plan.js';
import {
  heartbeatBodySchema,
  limits,
  reportsBodySchema,
  type AckResponse,
  type PlanResponse,
} from '../agent/protocol.js';
import { maskReports, secretMasker } from '../agent/mask.js';
import { clientIp, isOwnAddress, machineForToken, type MachineApiDeps } from './token.js';

export const HEARTBEAT_SECONDS = 30;

/** Names of the secrets a plan references ({ secret: name } anywhere in step params). */
export function secretsOfPlan(view: MachineView): Set<string> {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.secret === 'string' && Object.keys(o).length === 1) names.add(o.secret);
      else Object.values(o).forEach(walk);
    }
  };
  for (const s of view.steps) {
    walk(s.plan.params);
    // The local admin step names its secret directly: { user, secret: 'admin-password' }.
    if (s.plan.type === 'local-admin-password' && typeof s.plan.params.secret === 'string') {
      names.add(s.plan.params.secret);
    }
  }
  return names;
}

function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  reply: FastifyReply,
): z.output<S> | undefined {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  // The agent wire protocol keeps its own 400 text (the first issue, at most ten listed).
  const issues = issuesOf(r.error).slice(0, 10);
  const first = issues[0];
  sendError(
    reply,
    400,
    'invalid_body',
    first ? `${first.path || 'body'}: ${first.message}` : 'The body is not valid.',
    issues,
  );
  return undefined;
}

function ack(view: MachineView): AckResponse {
  return {
    lastSeq: view.lastSeq,
    planRevision: view.planRevision,
    state: view.state,
    stop: view.state === 'done',
  };
}

/** /agent/v1 on the bench listener. Every route opens exactly one machine: the token's. */
export function agentRoutes(deps: MachineApiDeps) {
  return async (app: FastifyInstance, ctx: StationContext): Promise<void> => {
    await app.register(async (api) => {
      // Agents on minimal systems (busybox wget) cannot always set a content type.
      api.addContentTypeParser(
        ['text/plain', 'application/x-www-form-urlencoded'],
        { parseAs: 'string', bodyLimit: limits.bodyBytes },
        (_req, body, done) => {
          try {
            done(null, JSON.parse(body as string));
          } catch {
            done(Object.assign(new Error('The body is not valid JSON.'), { statusCode: 400 }));
          }
        },
      );
      api.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
        const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
        if (status >= 500) {
          req.log.error({ err, ip: req.ip }, 'agent API error');
          return sendError(reply, 500, 'internal', 'The station hit an error; see its log.');
        }
        if (status === 413) {
          return sendError(
            reply,
            413,
            'body_too_large',
            `The body is over ${limits.bodyBytes} bytes: send fewer reports per request.`,
          );
        }
        if (status === 415) {
          return sendError(
            reply,
            415,
            'unsupported_media_type',
            'Send Content-Type: application/json.',
          );
        }
        return sendError(reply, 400, 'invalid_json', 'The body is not valid JSON.');
      });

      const open = (req: FastifyRequest, reply: FastifyReply): MachineView | undefined => {
        const r = machineForToken(bearer(req.headers.authorization), deps);
        if ('view' in r) return r.view;
        req.log.warn({ ip: req.ip, url: req.url, code: r.code }, 'agent request refused');
        sendError(reply, r.status, r.code, r.message);
        return undefined;
      };

      const withExtras = (view: MachineView) => {
        let extras: Record<string, Record<string, unknown>> = {};
        try {
          extras = deps.planParams?.(view) ?? {};
        } catch (err) {
          // The plan still goes out; the check that needed the value fails visibly.
          ctx.logger.warn({ err, machine: view.id }, 'per-machine plan values unavailable');
        }
        return view.steps.map((s) =>
          extras[s.id] ? { ...s.plan, params: { ...s.plan.params, ...extras[s.id] } } : s.plan,
        );
      };

      api.get<{ Params: { name: string } }>('/agent/v1/secrets/:name', async (req, reply) => {
        const found = open(req, reply);
        if (!found) return reply;
        const name = req.params.name;
        const mac = found.macs[0] ?? null;
        if (!secretsOfPlan(found).has(name)) {
          req.log.warn({ machine: found.id, mac, name }, 'secret refused: not in this plan');
          return sendError(
            reply,
            404,
            'not_found',
            `This machine's plan references no secret "${name}".`,
          );
        }
        const ip = clientIp(req);
        const own = deps.lifecycle.ownAddresses(found);
        if (!isOwnAddress(found, ip, own, ctx.clients.dhcpMacFor(ip))) {
          req.log.warn(
            { machine: found.id, mac, ip, name },
            "secret refused: not the machine's own address",
          );
          return sendError(
            reply,
            403,
            'wrong_address',
            'Secrets are served only to the address this machine booted or first spoke from.',
          );
        }
        const value = deps.revealSecret?.(name);
        if (value === undefined) {
          req.log.warn({ machine: found.id, mac, name }, 'secret not set on the station');
          return sendError(
            reply,
            409,
            'secret_missing',
            `Secret "${name}" is not set on the station; the technician adds it under Secrets.`,
          );
        }
        deps.lifecycle.secretFetched(found, name, ip);
        req.log.info({ machine: found.id, mac, ip, name }, 'secret served to its machine');
        reply.header('cache-control', 'no-store');
        return { ok: true, value: { name, value } };
      });

      api.get('/agent/v1/plan', async (req, reply) => {
        const found = open(req, reply);
        if (!found) return reply;
        const view = deps.lifecycle.agentSpoke(found, clientIp(req));
        const next = view.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped');
        const body: PlanResponse = {
          machineId: view.id,
          deployment: view.deployment,
          profile: view.profile ?? '',
          profileVersion: view.profileVersion,
          steps: absolutePlanSteps(withExtras(view), ctx.benchUrl),
          state: view.state,
          planRevision: view.planRevision,
          lastSeq: view.lastSeq,
          status: Object.fromEntries(
            // The agent protocol has no `interrupted`: to the agent it is a step to run again.
            view.steps.map((s) => [
              s.id,
              { status: s.status === 'interrupted' ? 'failed' : s.status, attempt: s.attempt },
            ]),
          ),
          next: next?.id ?? null,
          heartbeatSeconds: HEARTBEAT_SECONDS,
          limits,
        };
        return { ok: true, value: body };
      });

      api.post('/agent/v1/reports', { bodyLimit: limits.bodyBytes }, async (req, reply) => {
        const found = open(req, reply);
        if (!found) return reply;
        const body = parseBody(reportsBodySchema, req.body, reply);
        if (!body) return reply;
        const ip = clientIp(req);
        // A log line or failure reason can echo a password or the token (a verbose installer,
        // a script's `set -x`): masked before it reaches the log, the events, the reports.
        const mask = secretMasker([
          ...(deps.maskValues?.() ?? []),
          bearer(req.headers.authorization) ?? '',
        ]);
        let outcome;
        try {
          outcome = deps.lifecycle.reportsArrived(found, maskReports(body.reports, mask), ip);
        } catch (err) {
          if (err instanceof MachineError) {
            return sendError(reply, err.status, err.code, err.message, err.details);
          }
          throw err;
        }
        if (!outcome.ok) {
          req.log.warn(
            { machine: found.id, mac: found.macs[0], code: outcome.code, details: outcome.details },
            'agent reports refused',
          );
          return sendError(reply, outcome.status, outcome.code, outcome.message, outcome.details);
        }
        return {
          ok: true,
          value: { ...ack(outcome.view), stored: outcome.stored, absorbed: outcome.absorbed },
        };
      });

      api.post('/agent/v1/heartbeat', { bodyLimit: 16 * 1024 }, async (req, reply) => {
        const found = open(req, reply);
        if (!found) return reply;
        if (req.body !== undefined && req.body !== null && req.body !== '') {
          const body = parseBody(heartbeatBodySchema, req.body, reply);
          if (body === undefined && reply.sent) return reply;
        }
        const view = deps.lifecycle.agentSpoke(found, clientIp(req));
        return { ok: true, value: ack(view) };
      });
    });
  };
}
