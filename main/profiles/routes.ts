import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { choosePacks } from '../drivers/types.js';
import { idParams, nameParams } from '../api/common.js';
import { DomainError, notFound } from '../api/domain-error.js';
import {
  diffQuery,
  preview,
  previewBody,
  profileDocument,
  profilePutBody,
  profileSaved,
  profileSummary,
  profileVersion,
  secretBody,
  secretName,
  secretsListing,
  type SecretInfo,
} from '../api/profiles.js';
import type { StationContext } from '../context.js';
import { technicianOf } from '../api/technician.js';
import { route } from '../net/http/contract.js';
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
import { textHash } from './history.js';
import { profileConflictError } from '../shop/library/api.js';
import type { ShopLibraryApi, ShopSaveNote } from '../shop/library/types.js';

/**
 * UI API for profiles and secrets. Secrets are write-only here: listings give names and
 * times, previews show `********`, and no route ever returns a value.
 */
export const profileRoutes =
  (shared: ShopLibraryApi | null = null) =>
  (app: FastifyInstance, ctx: StationContext): void => {
    const store = ctx.profiles;
    const tag = 'profiles';

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles',
        tag,
        summary: 'Every profile file, valid or not, with its issues.',
        reply: z.array(profileSummary),
      },
      async () => store.list(),
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles-schema',
        tag,
        summary: "The JSON Schema of a profile file (the editor's completion and checks).",
        reply: z.record(z.string(), z.unknown()),
      },
      async () => profileJsonSchema(),
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles/:id',
        tag,
        summary: 'One profile: its row, the file text, the resolved profile and its media issues.',
        params: idParams,
        reply: profileDocument,
      },
      async ({ params: { id } }) => {
        const summary = store.list().find((s) => s.id === id);
        if (!summary) throw notFound(`No profile "${id}".`);
        const resolved = store.get(id);
        return {
          ...summary,
          text: store.text(id) ?? '',
          textHash: textHash(store.text(id) ?? ''),
          profile: resolved?.profile ?? null,
          // Windows: the medium and edition it names, checked against the media library.
          mediaIssues: storedMediaIssues(store, id, ctx.media),
        };
      },
    );

    route(
      app,
      {
        method: 'PUT',
        url: '/api/v1/profiles/:id',
        tag,
        summary: 'Save the profile YAML; an invalid profile is refused with its issues (422).',
        params: idParams,
        body: profilePutBody,
        reply: profileSaved,
        hint: 'Send { text: "<the profile YAML>" }.',
      },
      async ({ params: { id }, body, req }) => {
        const author = body.author ?? technicianOf(req.headers) ?? 'technician (UI)';
        // With --database the shop decides first: a stale edit is refused (409) and kept.
        const result = shared
          ? await shared.saveProfile(id, body.text, author, body.baseHash)
          : store.save(id, body.text, author);
        if (!result.ok && result.code === 'conflict') throw profileConflictError(result.conflict);
        if (!result.ok) {
          throw new DomainError(
            result.code === 'bad_id' ? 'bad_id' : 'invalid_profile',
            `The profile was not saved: ${result.issues.length} problem(s), first: ${formatIssue(result.issues[0]!)}`,
            { status: 422, details: result.issues },
          );
        }
        return {
          version: result.version,
          hash: result.hash,
          textHash: textHash(body.text),
          mediaIssues: storedMediaIssues(store, id, ctx.media),
          ...shopNote(result),
        };
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles/:id/history',
        tag,
        summary: 'The kept versions of a profile file, oldest first.',
        params: idParams,
        reply: z.array(profileVersion),
      },
      async ({ params: { id } }) => {
        const versions = store.history(id);
        if (versions.length === 0) throw notFound(`No history for "${id}".`);
        return versions;
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles/:id/versions/:version',
        tag,
        summary: 'The text of one kept version.',
        params: z.object({ id: z.string(), version: z.string() }),
        reply: { contentType: 'text/yaml', description: 'the profile file as it was saved' },
      },
      async ({ params, reply }) => {
        const text = store.versionText(params.id, Number(params.version));
        if (text === undefined) throw notFound('No such version.');
        return reply.type('text/yaml; charset=utf-8').send(text);
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/profiles/:id/diff',
        tag,
        summary: 'Unified diff between two kept versions (default: the latest and the one before).',
        params: idParams,
        query: diffQuery,
        reply: { contentType: 'text/x-diff', description: 'a unified diff' },
      },
      async ({ params: { id }, query, reply }) => {
        const versions = store.history(id);
        const latest = versions.at(-1)?.version ?? 0;
        const to = query.to ? Number(query.to) : latest;
        const from = query.from ? Number(query.from) : to - 1;
        const diff = store.diff(id, from, to);
        if (diff === null) throw notFound(`No versions ${from} and ${to} of "${id}".`);
        return reply.type('text/x-diff; charset=utf-8').send(diff);
      },
    );

    route(
      app,
      {
        method: 'POST',
        url: '/api/v1/profiles/:id/preview',
        tag,
        summary:
          'What the profile (or unsaved text) renders to for a machine, secrets and token masked.',
        params: idParams,
        body: previewBody,
        reply: preview,
      },
      async ({ params: { id }, body }) => {
        let profile;
        if (body.text !== undefined) {
          const others = store.list().map((s) => s.id);
          const bases = others.flatMap((o) => {
            const t = store.text(o);
            return o === id || t === undefined ? [] : [parseProfileSource(t, `${o}.yaml`)];
          });
          const r = parseProfile(body.text, `${id}.yaml`, bases);
          if (!r.ok) {
            throw new DomainError('invalid_profile', 'The profile has errors.', {
              status: 422,
              details: r.issues,
            });
          }
          profile = r.profile;
        } else {
          const r = store.get(id);
          if (!r) throw notFound(`No valid profile "${id}".`);
          profile = r.profile;
        }
        const m = body.machine;
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
          firmware: body.firmware,
          secrets: {
            masked: true,
            get: (name) =>
              ctx.secrets.has(name) ? maskedSecrets.get(name) : `[missing secret: ${name}]`,
          },
        };
        if (profile.target.os === 'windows') {
          rc.media = ctx.media?.get(profile.target.media) ?? null;
          rc.drivers = ctx.drivers
            ? choosePacks(ctx.drivers, rc.machine, profile.drivers).chosen
            : [];
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
          if (err instanceof RenderError) {
            throw new DomainError(err.code, err.message, { status: 422 });
          }
          throw err;
        }
      },
    );

    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/secrets',
        tag: 'secrets',
        summary:
          'Secret names, times and users, and names profiles use that nobody set (no values).',
        reply: secretsListing,
      },
      async () => {
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
      },
    );

    route(
      app,
      {
        method: 'PUT',
        url: '/api/v1/secrets/:name',
        tag: 'secrets',
        summary: 'Set or replace a secret; the value never comes back.',
        params: nameParams,
        body: secretBody,
        reply: secretName,
        hint: 'Send { value: "<the secret>" }.',
      },
      async ({ params: { name }, body, req }) => {
        try {
          ctx.secrets.set(name, body.value);
        } catch (err) {
          if (err instanceof SecretError) throw new DomainError(err.code, err.message);
          throw err;
        }
        req.log.info({ name }, 'secret set');
        return { name };
      },
    );

    route(
      app,
      {
        method: 'DELETE',
        url: '/api/v1/secrets/:name',
        tag: 'secrets',
        summary: 'Delete a secret.',
        params: nameParams,
        reply: secretName,
      },
      async ({ params: { name }, req }) => {
        if (!ctx.secrets.delete(name)) throw notFound(`No secret "${name}".`);
        req.log.info({ name }, 'secret deleted');
        return { name };
      },
    );
  };

/** What the shop did with an accepted save (only with --database). */
function shopNote(result: object): { shop?: ShopSaveNote } {
  const shop = (result as { shop?: ShopSaveNote }).shop;
  return shop ? { shop } : {};
}
