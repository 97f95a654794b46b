import type { FastifyInstance } from 'fastify';
import { choosePacks } from '../drivers/types.js';
import { z } from 'zod';
import type { SecretInfo } from '../api/contract.js';
import type { StationContext } from '../context.js';
import { technicianOf } from '../api/technician.js';
import { sendError } from '../net/http/errors.js';
import { storedMediaIssues } from '../media/profile-check.js';
import { formatIssue, parseProfileSource } from './parse.js';
import {
  MASK,
  RenderError,
  answerFormatFor,
  kernelCommandLine,
  machineHostname,
  maskedSecrets,
  renderAnswerFile,
  renderIpxeInstall,
  renderWinpeFiles,
  sampleMachine,
  type RenderContext,
} from './render/index.js';
import { profileJsonSchema } from './json-schema.js';
import { parseProfile } from './resolve.js';
import { SecretError, secretNames } from './secrets.js';

const putBody = z.strictObject({
  text: z.string().max(512 * 1024),
  author: z.string().min(1).max(80).optional(),
});

const previewBody = z
  .strictObject({
    /** Unsaved editor text to preview instead of the saved file. */
    text: z
      .string()
      .max(512 * 1024)
      .optional(),
    firmware: z.enum(['bios', 'uefi']).default('uefi'),
    machine: z
      .strictObject({
        id: z.string().min(1).max(80).optional(),
        macs: z.array(z.string().max(40)).max(16).optional(),
        uuid: z.string().max(64).optional(),
        serial: z.string().max(80).optional(),
        vendor: z.string().max(80).optional(),
        model: z.string().max(120).optional(),
        index: z.number().int().min(1).optional(),
      })
      .optional(),
  })
  .prefault({});

const secretBody = z.strictObject({ value: z.string().min(1).max(4096) });

/**
 * UI API for profiles and secrets. Secrets are write-only here: listings give names and
 * times, previews show `********`, and no route ever returns a value.
 */
export function profileRoutes(app: FastifyInstance, ctx: StationContext): void {
  const store = ctx.profiles;

  app.get('/api/v1/profiles', async () => store.list());

  app.get('/api/v1/profiles-schema', async () => profileJsonSchema());

  app.get<{ Params: { id: string } }>('/api/v1/profiles/:id', async (req, reply) => {
    const { id } = req.params;
    const summary = store.list().find((s) => s.id === id);
    if (!summary) return sendError(reply, 404, 'not_found', `No profile "${id}".`);
    const resolved = store.get(id);
    return {
      ...summary,
      text: store.text(id) ?? '',
      profile: resolved?.profile ?? null,
      // Windows: the medium and edition it names, checked against the media library.
      mediaIssues: storedMediaIssues(store, id, ctx.media),
    };
  });

  app.put<{ Params: { id: string } }>('/api/v1/profiles/:id', async (req, reply) => {
    const body = typeof req.body === 'string' ? { text: req.body } : req.body;
    const parsed = putBody.safeParse(body);
    if (!parsed.success) {
      return sendError(reply, 400, 'invalid_body', 'Send { text: "<the profile YAML>" }.');
    }
    const result = store.save(
      req.params.id,
      parsed.data.text,
      parsed.data.author ?? technicianOf(req.headers) ?? 'technician (UI)',
    );
    if (!result.ok) {
      return sendError(
        reply,
        422,
        result.code === 'bad_id' ? 'bad_id' : 'invalid_profile',
        `The profile was not saved: ${result.issues.length} problem(s), first: ${formatIssue(result.issues[0]!)}`,
        result.issues,
      );
    }
    return {
      version: result.version,
      hash: result.hash,
      mediaIssues: storedMediaIssues(store, req.params.id, ctx.media),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/profiles/:id/history', async (req, reply) => {
    const versions = store.history(req.params.id);
    if (versions.length === 0)
      return sendError(reply, 404, 'not_found', `No history for "${req.params.id}".`);
    return versions;
  });

  app.get<{ Params: { id: string; version: string } }>(
    '/api/v1/profiles/:id/versions/:version',
    async (req, reply) => {
      const text = store.versionText(req.params.id, Number(req.params.version));
      if (text === undefined) return sendError(reply, 404, 'not_found', 'No such version.');
      return reply.type('text/yaml; charset=utf-8').send(text);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>(
    '/api/v1/profiles/:id/diff',
    async (req, reply) => {
      const versions = store.history(req.params.id);
      const latest = versions.at(-1)?.version ?? 0;
      const to = req.query.to ? Number(req.query.to) : latest;
      const from = req.query.from ? Number(req.query.from) : to - 1;
      const diff = store.diff(req.params.id, from, to);
      if (diff === null) {
        return sendError(
          reply,
          404,
          'not_found',
          `No versions ${from} and ${to} of "${req.params.id}".`,
        );
      }
      return reply.type('text/x-diff; charset=utf-8').send(diff);
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/profiles/:id/preview', async (req, reply) => {
    const parsed = previewBody.safeParse(req.body ?? {});
    if (!parsed.success)
      return sendError(reply, 400, 'invalid_body', parsed.error.issues[0]!.message);
    const { id } = req.params;
    let profile;
    if (parsed.data.text !== undefined) {
      const others = store.list().map((s) => s.id);
      const bases = others.flatMap((o) => {
        const t = store.text(o);
        return o === id || t === undefined ? [] : [parseProfileSource(t, `${o}.yaml`)];
      });
      const r = parseProfile(parsed.data.text, `${id}.yaml`, bases);
      if (!r.ok)
        return sendError(reply, 422, 'invalid_profile', 'The profile has errors.', r.issues);
      profile = r.profile;
    } else {
      const r = store.get(id);
      if (!r) return sendError(reply, 404, 'not_found', `No valid profile "${id}".`);
      profile = r.profile;
    }
    const m = parsed.data.machine;
    // A set secret shows masked; a missing one shows as missing, so the two never look alike.
    const used = [...secretNames(profile)].sort();
    const secrets = used.map((name) => ({ name, set: ctx.secrets.has(name) }));
    const rc: RenderContext = {
      profile,
      machine: m
        ? { ...sampleMachine, ...m, id: m.id ?? 'preview', macs: m.macs ?? sampleMachine.macs }
        : sampleMachine,
      // The token is a credential too: previews show where it goes, never a real one.
      token: MASK,
      stationUrl: ctx.benchUrl,
      firmware: parsed.data.firmware,
      secrets: {
        masked: true,
        get: (name) =>
          ctx.secrets.has(name) ? maskedSecrets.get(name) : `[missing secret: ${name}]`,
      },
    };
    if (profile.target.os === 'windows') {
      rc.media = ctx.media?.get(profile.target.media) ?? null;
      rc.drivers = ctx.drivers ? choosePacks(ctx.drivers, rc.machine, profile.drivers).chosen : [];
    }
    try {
      const format = answerFormatFor(rc);
      const files: { name: string; body: string }[] = [
        {
          name: format === 'autounattend' ? 'autounattend.xml' : format,
          body: renderAnswerFile(format, rc),
        },
      ];
      if (format === 'autounattend') {
        // Boot script and WinPE files need the imported medium: without it the preview still
        // shows the answer file, and says in their place what is missing.
        try {
          files.push({ name: 'ipxe', body: renderIpxeInstall(rc) });
          for (const [name, body] of Object.entries(renderWinpeFiles(rc)))
            files.push({ name, body });
        } catch (err) {
          if (!(err instanceof RenderError)) throw err;
          const why = `Not rendered: ${err.message}\n`;
          files.push({ name: 'ipxe', body: why }, { name: 'deploy.cmd', body: why });
        }
      } else {
        files.push({ name: 'ipxe', body: renderIpxeInstall(rc) });
      }
      return {
        hostname: machineHostname(rc),
        kernelCommandLine: format === 'autounattend' ? null : kernelCommandLine(rc),
        files,
        secrets,
      };
    } catch (err) {
      if (err instanceof RenderError) return sendError(reply, 422, err.code, err.message);
      throw err;
    }
  });

  app.get('/api/v1/secrets', async () => {
    const usedBy = new Map<string, string[]>();
    for (const s of store.list()) {
      const r = store.get(s.id);
      if (!r) continue;
      for (const n of secretNames(r.profile)) usedBy.set(n, [...(usedBy.get(n) ?? []), s.id]);
    }
    const secrets: SecretInfo[] = ctx.secrets
      .list()
      .map((s) => ({ ...s, usedBy: usedBy.get(s.name) ?? [] }));
    const missing = [...usedBy.keys()].filter((n) => !ctx.secrets.has(n)).sort();
    return { keySource: ctx.secrets.keySource, secrets, missing };
  });

  app.put<{ Params: { name: string } }>('/api/v1/secrets/:name', async (req, reply) => {
    const parsed = secretBody.safeParse(req.body);
    if (!parsed.success)
      return sendError(reply, 400, 'invalid_body', 'Send { value: "<the secret>" }.');
    try {
      ctx.secrets.set(req.params.name, parsed.data.value);
    } catch (err) {
      if (err instanceof SecretError) return sendError(reply, 400, err.code, err.message);
      throw err;
    }
    req.log.info({ name: req.params.name }, 'secret set');
    return { name: req.params.name };
  });

  app.delete<{ Params: { name: string } }>('/api/v1/secrets/:name', async (req, reply) => {
    if (!ctx.secrets.delete(req.params.name)) {
      return sendError(reply, 404, 'not_found', `No secret "${req.params.name}".`);
    }
    req.log.info({ name: req.params.name }, 'secret deleted');
    return { name: req.params.name };
  });
}
