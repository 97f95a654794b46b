import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acknowledged, idParams } from '../api/common.js';
import {
  assignmentRule,
  batchBody,
  batchSummary,
  benchDefault,
  benchDefaultBody,
  ruleBody,
} from '../api/machines.js';
import { route } from '../net/http/contract.js';
import type { Assigner } from './assigner.js';
import { MachineError } from './registry.js';

const tag = 'machines';

/**
 * The UI API of the assigner's settings: batches ("the next N", a MAC list), assignment
 * rules and the bench default. They decide which profile a machine gets when the lifecycle
 * sees it; none of them moves a machine by itself (except a MAC-list batch claiming known
 * machines, which the assigner does through the registry's one append path).
 */
export function batchAndRuleRoutes(api: FastifyInstance, assigner: Assigner): void {
  route(
    api,
    {
      method: 'GET',
      url: '/api/v1/batches',
      tag,
      summary: 'Every batch, open and closed.',
      reply: z.array(batchSummary),
    },
    async () => assigner.batches(),
  );
  route(
    api,
    {
      method: 'POST',
      url: '/api/v1/batches',
      tag,
      summary: 'A batch: "the next N machines" or a MAC list, all getting one profile.',
      body: batchBody,
      reply: batchSummary,
      status: [201],
    },
    async ({ body, reply }) => {
      reply.code(201);
      return assigner.createBatch(body);
    },
  );
  route(
    api,
    {
      method: 'GET',
      url: '/api/v1/batches/:id',
      tag,
      summary: 'One batch and the machines it assigned.',
      params: idParams,
      reply: batchSummary,
    },
    async ({ params }) => {
      const b = assigner.batch(params.id);
      if (!b) throw new MachineError('not_found', `No batch ${params.id}.`, 404);
      return b;
    },
  );
  route(
    api,
    {
      method: 'POST',
      url: '/api/v1/batches/:id/close',
      tag,
      summary: 'Close a batch: it claims no more machines.',
      params: idParams,
      reply: batchSummary,
    },
    async ({ params }) => assigner.closeBatch(params.id),
  );
  route(
    api,
    {
      method: 'GET',
      url: '/api/v1/assignment-rules',
      tag,
      summary: 'Assignment rules, in the order they are tried.',
      reply: z.array(assignmentRule),
    },
    async () => assigner.rules(),
  );
  route(
    api,
    {
      method: 'POST',
      url: '/api/v1/assignment-rules',
      tag,
      summary: 'A rule: machines whose vendor, model or MAC matches get a profile.',
      body: ruleBody,
      reply: assignmentRule,
      status: [201],
    },
    async ({ body, reply }) => {
      reply.code(201);
      return assigner.addRule(body);
    },
  );
  route(
    api,
    {
      method: 'DELETE',
      url: '/api/v1/assignment-rules/:id',
      tag,
      summary: 'Delete an assignment rule.',
      params: idParams,
      reply: acknowledged,
    },
    async ({ params }) => {
      assigner.deleteRule(params.id);
      return { ok: true as const };
    },
  );
  route(
    api,
    {
      method: 'GET',
      url: '/api/v1/bench-default',
      tag,
      summary: 'The profile a new machine gets when no batch or rule claims it.',
      reply: benchDefault,
    },
    async () => ({ profile: assigner.benchDefault() }),
  );
  route(
    api,
    {
      method: 'PUT',
      url: '/api/v1/bench-default',
      tag,
      summary: 'Set or clear (null) the bench default profile.',
      body: benchDefaultBody,
      reply: benchDefault,
    },
    async ({ body }) => {
      assigner.setBenchDefault(body.profile);
      return { profile: assigner.benchDefault() };
    },
  );
}
