import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { idParams } from '../api/common.js';
import type { MachineLogEntry, RunEstimates } from '../api/contract.js';
import {
  addMachineBody,
  assignBody,
  assignManyBody,
  forgetBody,
  forgetResult,
  machineDetail,
  machineLogEntry,
  machineLogQuery,
  machineStepParams,
  machineSummary,
  renameBody,
  runEstimates,
  stepLog,
  stepLogQuery,
  wakeResult,
} from '../api/machines.js';
import { technicianOf } from '../api/technician.js';
import { route } from '../net/http/contract.js';
import type { Assigner } from './assigner.js';
import type { MachineLifecycle } from './lifecycle.js';
import { batchAndRuleRoutes } from './batch-routes.js';
import { MachineError, type MachineRegistry } from './registry.js';
import type { MachineStore } from './store.js';
import { stepLogOf } from './step-log.js';
import type { WakeTarget } from './wake.js';
import { detailOf, summarize } from './summary.js';
import type { Entry } from './types.js';

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

const tag = 'machines';

/**
 * The UI API for machines, batches, rules and the bench default (DESIGN.md), declared with
 * the one contract (net/http/contract.ts, schemas in api/machines.ts). Every command that
 * moves a machine goes through the lifecycle; batches, rules and the bench default are the
 * assigner's settings. Errors (MachineError is a DomainError) go to the listener's one handler.
 */
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
      machineRoutes(api);
      batchAndRuleRoutes(api, assigner);
    });
  };

  function machineRoutes(api: FastifyInstance): void {
    route(
      api,
      {
        method: 'GET',
        url: '/api/v1/machines',
        tag,
        summary: 'Every machine the station knows, as its dashboard row.',
        reply: z.array(machineSummary),
      },
      async () => registry.summaries(),
    );
    route(
      api,
      {
        method: 'GET',
        url: '/api/v1/estimates',
        tag,
        summary: 'Typical durations of past runs, per profile and app (the ETAs come from these).',
        reply: runEstimates,
      },
      async () => deps.estimates?.() ?? { profiles: {}, apps: {} },
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines',
        tag,
        summary: 'Add a machine by its MAC, optionally named and assigned.',
        body: addMachineBody,
        reply: machineSummary,
        status: [201],
      },
      async ({ body, reply }) => {
        reply.code(201);
        return summarize(lifecycle.addByHand(body));
      },
    );
    route(
      api,
      {
        method: 'GET',
        url: '/api/v1/machines/:id',
        tag,
        summary: 'One machine: its row, its steps and its inventory.',
        params: idParams,
        reply: machineDetail,
      },
      async ({ params }) => detailOf(lifecycle.mustGet(params.id)),
    );
    route(
      api,
      {
        method: 'GET',
        url: '/api/v1/machines/:id/log',
        tag,
        summary: "A page of the machine's event log (the timeline), oldest first, after an id.",
        params: idParams,
        query: machineLogQuery,
        reply: z.array(machineLogEntry),
      },
      async ({ params, query }) => {
        lifecycle.mustGet(params.id);
        const after = Number(query.after ?? 0) || 0;
        const limit = Math.min(Math.max(Number(query.limit ?? 1000) || 1000, 1), 5000);
        return store.entriesOf(params.id, after, limit).map(timelineEntry);
      },
    );
    route(
      api,
      {
        method: 'GET',
        url: '/api/v1/machines/:id/steps/:step/log',
        tag,
        summary: "One step's log by attempt, newest first, with the technician's actions between.",
        params: machineStepParams,
        query: stepLogQuery,
        reply: stepLog,
      },
      async ({ params, query }) => {
        const v = lifecycle.mustGet(params.id);
        const deployment = Number(query.deployment ?? v.deployment) || v.deployment;
        return stepLogOf(lifecycle.allEntriesOf(v.id), params.step, deployment);
      },
    );
    route(
      api,
      {
        method: 'PATCH',
        url: '/api/v1/machines/:id',
        tag,
        summary: 'Name a machine.',
        params: idParams,
        body: renameBody,
        reply: machineSummary,
      },
      async ({ params, body }) => summarize(lifecycle.rename(params.id, body.name)),
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/:id/assign',
        tag,
        summary: 'Assign a profile; on an assigned machine this starts a new deployment.',
        params: idParams,
        body: assignBody,
        reply: machineSummary,
      },
      async ({ params, body, req }) =>
        summarize(
          lifecycle.assign(params.id, body.profile, 'hand', null, technicianOf(req.headers)),
        ),
    );
    // Forget machines (one or many): invented MACs from the bench, PCs that left.
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/forget',
        tag,
        summary: 'Forget machines (none may be deploying: reset it first); all or nothing.',
        body: forgetBody,
        reply: forgetResult,
      },
      async ({ body }) => ({ forgotten: lifecycle.forget(body.machines) }),
    );
    route(
      api,
      {
        method: 'DELETE',
        url: '/api/v1/machines/:id',
        tag,
        summary: 'Forget one machine (not while it deploys: reset it first).',
        params: idParams,
        reply: forgetResult,
      },
      async ({ params }) => ({ forgotten: lifecycle.forget([params.id]) }),
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/assign',
        tag,
        summary: 'Assign one profile to several machines.',
        body: assignManyBody,
        reply: z.array(machineSummary),
      },
      async ({ body, req }) => {
        body.machines.forEach((id) => lifecycle.mustGet(id));
        const tech = technicianOf(req.headers);
        return body.machines.map((id) =>
          summarize(lifecycle.assign(id, body.profile, 'hand', null, tech)),
        );
      },
    );
    // Wake-on-LAN: a magic packet to each of the machine's MACs, on the bench network only.
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/:id/wake',
        tag,
        summary: "Wake-on-LAN: a magic packet to each of the machine's MACs, on the bench network.",
        params: idParams,
        reply: wakeResult,
      },
      async ({ params, req }) => {
        const v = lifecycle.mustGet(params.id);
        const t = deps.wake?.target() ?? { error: 'Wake-on-LAN is not available here.' };
        if ('error' in t) throw new MachineError('no_bench_network', t.error, 409);
        if (v.macs.length === 0) {
          throw new MachineError('no_mac', `Machine ${v.id} has no known MAC address.`, 409);
        }
        for (const mac of v.macs) await deps.wake!.send(mac, t);
        req.log.info({ machine: v.id, macs: v.macs, to: t.to }, 'wake-on-LAN sent');
        return { sent: v.macs.length, to: t.to, macs: v.macs };
      },
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/:id/reset',
        tag,
        summary: 'Deploy again: a new deployment of the same profile (the old token stops).',
        params: idParams,
        reply: machineSummary,
      },
      async ({ params, req }) => summarize(lifecycle.reset(params.id, technicianOf(req.headers))),
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/:id/done',
        tag,
        summary: 'Mark the machine done by hand.',
        params: idParams,
        reply: machineSummary,
      },
      async ({ params, req }) =>
        summarize(lifecycle.markDone(params.id, technicianOf(req.headers))),
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/:id/steps/:step/retry',
        tag,
        summary: 'Run a step again (the agent fetches the plan again).',
        params: machineStepParams,
        reply: machineSummary,
      },
      async ({ params, req }) =>
        summarize(lifecycle.retryStep(params.id, params.step, technicianOf(req.headers))),
    );
    route(
      api,
      {
        method: 'POST',
        url: '/api/v1/machines/:id/steps/:step/skip',
        tag,
        summary: 'Skip a step; skipping the last open one finishes the deployment.',
        params: machineStepParams,
        reply: machineSummary,
      },
      async ({ params, req }) =>
        summarize(lifecycle.skipStep(params.id, params.step, technicianOf(req.headers))),
    );
  }
}
