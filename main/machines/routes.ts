import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { MachineLogEntry, RunEstimates } from '../api/contract.js';
import { technicianOf } from '../api/technician.js';
import { sendError } from '../net/http/errors.js';
import type { Assigner } from './assigner.js';
import type { MachineLifecycle } from './lifecycle.js';
import { MachineError, type MachineRegistry } from './registry.js';
import type { MachineStore } from './store.js';
import { stepLogOf } from './step-log.js';
import type { WakeTarget } from './wake.js';
import { detailOf, summarize } from './summary.js';
import type { Entry } from './types.js';

const profileId = z.string().min(1).max(64);
const mac = z.string().regex(/^[0-9a-fA-F]{2}([:-]?[0-9a-fA-F]{2}){5}$/, 'a MAC address');

export const assignBody = z.strictObject({ profile: profileId });
export const assignManyBody = z.strictObject({
  machines: z.array(z.string().min(1)).min(1).max(500),
  profile: profileId,
});
export const addMachineBody = z.strictObject({
  mac,
  name: z.string().min(1).max(100).optional(),
  profile: profileId.optional(),
});
export const forgetBody = z.strictObject({
  machines: z.array(z.string().min(1).max(64)).min(1).max(5000),
});
export const renameBody = z.strictObject({ name: z.string().min(1).max(100) });
export const batchBody = z.union([
  z.strictObject({
    profile: profileId,
    count: z.number().int().min(1).max(1000),
    name: z.string().max(100).optional(),
  }),
  z.strictObject({
    profile: profileId,
    macs: z.array(mac).min(1).max(1000),
    name: z.string().max(100).optional(),
  }),
]);
export const ruleBody = z.strictObject({
  field: z.enum(['vendor', 'model', 'mac']),
  pattern: z.string().min(1).max(20_000),
  profile: profileId,
});
export const benchDefaultBody = z.strictObject({ profile: profileId.nullable() });

function parse<S extends z.ZodType>(
  schema: S,
  body: unknown,
  reply: FastifyReply,
): z.output<S> | undefined {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  sendError(
    reply,
    400,
    'invalid_body',
    issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; '),
    issues,
  );
  return undefined;
}

/** Log entries as the timeline shows them: plans summarized, digests left out. */
export function timelineEntry(e: Entry): MachineLogEntry {
  const { digest: _d, ...data } = e.data as Entry['data'] & { digest?: string };
  const shown =
    data.kind === 'assigned'
      ? { ...data, steps: data.steps.map((s) => ({ id: s.id, kind: s.kind, label: s.label })) }
      : data;
  return {
    id: e.id,
    machineId: e.machineId,
    at: e.at,
    deployment: e.deployment,
    kind: data.kind,
    data: shown as Record<string, unknown>,
  };
}

/** The UI API for machines, batches, rules and the bench default (DESIGN.md). */
export function machineUiRoutes(deps: {
  lifecycle: MachineLifecycle;
  registry: MachineRegistry;
  assigner: Assigner;
  store: MachineStore;
  /** Typical durations from past runs (cached); the UI's ETAs come from these. */
  estimates?: () => RunEstimates;
  /** Wake-on-LAN on the bench network: where the packet goes, or why it cannot. */
  wake?: {
    target: () => WakeTarget | { error: string };
    send: (mac: string, t: WakeTarget) => Promise<void>;
  };
}) {
  const { lifecycle, registry, assigner, store } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(async (api) => {
      // Errors (MachineError included) go to the listener's one handler: one shape everywhere.
      const mustGet = (id: string) => lifecycle.mustGet(id);

      api.get('/api/v1/machines', async () => registry.summaries());

      api.get('/api/v1/estimates', async () => deps.estimates?.() ?? { profiles: {}, apps: {} });

      api.post('/api/v1/machines', async (req, reply) => {
        const body = parse(addMachineBody, req.body, reply);
        if (!body) return reply;
        return reply.code(201).send(summarize(lifecycle.addByHand(body)));
      });

      api.get<{ Params: { id: string } }>('/api/v1/machines/:id', async (req) =>
        detailOf(mustGet(req.params.id)),
      );

      api.get<{ Params: { id: string }; Querystring: { after?: string; limit?: string } }>(
        '/api/v1/machines/:id/log',
        async (req) => {
          mustGet(req.params.id);
          const after = Number(req.query.after ?? 0) || 0;
          const limit = Math.min(Math.max(Number(req.query.limit ?? 1000) || 1000, 1), 5000);
          return store.entriesOf(req.params.id, after, limit).map(timelineEntry);
        },
      );

      api.get<{ Params: { id: string; step: string }; Querystring: { deployment?: string } }>(
        '/api/v1/machines/:id/steps/:step/log',
        async (req) => {
          const v = mustGet(req.params.id);
          const deployment = Number(req.query.deployment ?? v.deployment) || v.deployment;
          return stepLogOf(lifecycle.allEntriesOf(v.id), req.params.step, deployment);
        },
      );

      api.patch<{ Params: { id: string } }>('/api/v1/machines/:id', async (req, reply) => {
        const body = parse(renameBody, req.body, reply);
        if (!body) return reply;
        return summarize(lifecycle.rename(req.params.id, body.name));
      });

      api.post<{ Params: { id: string } }>('/api/v1/machines/:id/assign', async (req, reply) => {
        const body = parse(assignBody, req.body, reply);
        if (!body) return reply;
        return summarize(
          lifecycle.assign(req.params.id, body.profile, 'hand', null, technicianOf(req.headers)),
        );
      });

      // Forget machines (one or many): invented MACs from the bench, PCs that left.
      api.post('/api/v1/machines/forget', async (req, reply) => {
        const body = parse(forgetBody, req.body, reply);
        if (!body) return reply;
        return { ok: true, value: { forgotten: lifecycle.forget(body.machines) } };
      });
      api.delete<{ Params: { id: string } }>('/api/v1/machines/:id', async (req) => ({
        ok: true,
        value: { forgotten: lifecycle.forget([req.params.id]) },
      }));

      api.post('/api/v1/machines/assign', async (req, reply) => {
        const body = parse(assignManyBody, req.body, reply);
        if (!body) return reply;
        body.machines.forEach(mustGet);
        const tech = technicianOf(req.headers);
        return body.machines.map((id) =>
          summarize(lifecycle.assign(id, body.profile, 'hand', null, tech)),
        );
      });

      // Wake-on-LAN: a magic packet to each of the machine's MACs, on the bench network only.
      api.post<{ Params: { id: string } }>('/api/v1/machines/:id/wake', async (req) => {
        const v = mustGet(req.params.id);
        const t = deps.wake?.target() ?? { error: 'Wake-on-LAN is not available here.' };
        if ('error' in t) throw new MachineError('no_bench_network', t.error, 409);
        if (v.macs.length === 0) {
          throw new MachineError('no_mac', `Machine ${v.id} has no known MAC address.`, 409);
        }
        for (const mac of v.macs) await deps.wake!.send(mac, t);
        req.log.info({ machine: v.id, macs: v.macs, to: t.to }, 'wake-on-LAN sent');
        return { sent: v.macs.length, to: t.to, macs: v.macs };
      });

      api.post<{ Params: { id: string } }>('/api/v1/machines/:id/reset', async (req) =>
        summarize(lifecycle.reset(req.params.id, technicianOf(req.headers))),
      );
      api.post<{ Params: { id: string } }>('/api/v1/machines/:id/done', async (req) =>
        summarize(lifecycle.markDone(req.params.id, technicianOf(req.headers))),
      );
      api.post<{ Params: { id: string; step: string } }>(
        '/api/v1/machines/:id/steps/:step/retry',
        async (req) =>
          summarize(lifecycle.retryStep(req.params.id, req.params.step, technicianOf(req.headers))),
      );
      api.post<{ Params: { id: string; step: string } }>(
        '/api/v1/machines/:id/steps/:step/skip',
        async (req) =>
          summarize(lifecycle.skipStep(req.params.id, req.params.step, technicianOf(req.headers))),
      );

      api.get('/api/v1/batches', async () => assigner.batches());
      api.post('/api/v1/batches', async (req, reply) => {
        const body = parse(batchBody, req.body, reply);
        if (!body) return reply;
        return reply.code(201).send(assigner.createBatch(body));
      });
      api.get<{ Params: { id: string } }>('/api/v1/batches/:id', async (req) => {
        const b = assigner.batch(req.params.id);
        if (!b) throw new MachineError('not_found', `No batch ${req.params.id}.`, 404);
        return b;
      });
      api.post<{ Params: { id: string } }>('/api/v1/batches/:id/close', async (req) =>
        assigner.closeBatch(req.params.id),
      );

      api.get('/api/v1/assignment-rules', async () => assigner.rules());
      api.post('/api/v1/assignment-rules', async (req, reply) => {
        const body = parse(ruleBody, req.body, reply);
        if (!body) return reply;
        return reply.code(201).send(assigner.addRule(body));
      });
      api.delete<{ Params: { id: string } }>('/api/v1/assignment-rules/:id', async (req) => {
        assigner.deleteRule(req.params.id);
        return { ok: true };
      });

      api.get('/api/v1/bench-default', async () => ({ profile: assigner.benchDefault() }));
      api.put('/api/v1/bench-default', async (req, reply) => {
        const body = parse(benchDefaultBody, req.body, reply);
        if (!body) return reply;
        assigner.setBenchDefault(body.profile);
        return { profile: assigner.benchDefault() };
      });
    });
  };
}
