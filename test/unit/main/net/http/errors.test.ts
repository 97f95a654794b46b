import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../../../../../main/api/domain-error.js';
import { MachineError } from '../../../../../main/machines/registry.js';
import { MediaImportError } from '../../../../../main/media/errors.js';
import { TerminalError } from '../../../../../main/terminal/manager.js';
import { invalidRequest } from '../../../../../main/net/http/contract.js';
import { errorReplyFor, installErrorHandler } from '../../../../../main/net/http/errors.js';

const fastifyError = (statusCode: number, code: string, message: string) =>
  Object.assign(new Error(message), { statusCode, code });

const zodError = z
  .strictObject({ count: z.number().min(1) })
  .safeParse({ count: 0, extra: 1 }).error!;

/** [what, error thrown by a route, status, error body]: the one mapping of the UI API. */
const table: [string, Error, number, Record<string, unknown>][] = [
  [
    'a domain error with its fix',
    new DomainError('media_in_use', 'Medium "w11" is used by profile(s) acme.', {
      status: 409,
      fix: 'Change their target.media first.',
      details: { profiles: ['acme'] },
    }),
    409,
    {
      code: 'media_in_use',
      message: 'Medium "w11" is used by profile(s) acme.',
      fix: 'Change their target.media first.',
      details: { profiles: ['acme'] },
    },
  ],
  [
    'a domain error of 5xx (a tool is missing): its own words, not "see the log"',
    new DomainError('ssh_missing', 'No ssh client: apt install openssh-client.', { status: 503 }),
    503,
    { code: 'ssh_missing', message: 'No ssh client: apt install openssh-client.' },
  ],
  [
    'a domain error without a status is a 400',
    new DomainError('bad_name', 'A secret name is letters, digits and -.'),
    400,
    { code: 'bad_name', message: 'A secret name is letters, digits and -.' },
  ],
  [
    'MachineError (the older domain class)',
    new MachineError('not_found', 'No machine m-1.', 404),
    404,
    { code: 'not_found', message: 'No machine m-1.' },
  ],
  [
    'MachineError with details',
    new MachineError('bad_state', 'Not now.', 409, { state: 'done' }),
    409,
    { code: 'bad_state', message: 'Not now.', details: { state: 'done' } },
  ],
  [
    'TerminalError',
    new TerminalError('too_many', 'Close a terminal first.', 429),
    429,
    { code: 'too_many', message: 'Close a terminal first.' },
  ],
  [
    'MediaImportError (409 for an existing id)',
    new MediaImportError('media_exists', 'Medium "w11" exists.'),
    409,
    { code: 'media_exists', message: 'Medium "w11" exists.' },
  ],
  [
    'a request that does not match its schema: every issue, with a path',
    invalidRequest('body', zodError, 'Send { count }.'),
    400,
    {
      code: 'invalid_body',
      message: expect.stringMatching(/^count: .*; body: .*extra/) as unknown as string,
      fix: 'Send { count }.',
      details: [
        { path: 'count', message: expect.any(String) as unknown as string },
        { path: '', message: expect.stringContaining('extra') as unknown as string },
      ],
    },
  ],
  [
    "Fastify's bad JSON",
    fastifyError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'Body is not valid JSON'),
    400,
    { code: 'bad_request', message: 'Body is not valid JSON' },
  ],
  [
    "Fastify's body too large",
    fastifyError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large'),
    413,
    { code: 'body_too_large', message: 'The request body is larger than this route takes.' },
  ],
  [
    "Fastify's unsupported media type",
    fastifyError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type'),
    415,
    { code: 'unsupported_media_type', message: expect.stringContaining('application/json') },
  ],
  [
    'a programming error: a 500 that tells nothing of its text',
    new Error('SQLITE_CORRUPT at /secret/path'),
    500,
    { code: 'internal', message: 'The station hit an error; see its log.' },
  ],
  [
    'an error that looks like a domain error with a 5xx is still internal',
    Object.assign(new Error('ECONNRESET to 10.0.0.9'), { status: 502, code: 'upstream' }),
    500,
    { code: 'internal', message: 'The station hit an error; see its log.' },
  ],
  [
    'a Node system error (a code, no status) is internal',
    Object.assign(new Error('ENOENT: /var/lib/x'), { code: 'ENOENT' }),
    500,
    { code: 'internal', message: 'The station hit an error; see its log.' },
  ],
];

describe('errorReplyFor: a route error to the one error reply', () => {
  it.each(table)('%s', (_what, err, status, error) => {
    const out = errorReplyFor(err);
    expect(out.status).toBe(status);
    expect(out.error).toEqual(error);
    expect(out.internal).toBe(status >= 500 && error.code === 'internal');
  });

  it('is what the installed handler sends, as { ok: false, error }', async () => {
    const app = Fastify();
    installErrorHandler(app, 'test');
    for (const [i, [, err]] of table.entries()) {
      app.get(`/e/${i}`, async () => {
        throw err;
      });
    }
    for (const [i, [, , status, error]] of table.entries()) {
      const res = await app.inject({ method: 'GET', url: `/e/${i}` });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ ok: false, error });
    }
    await app.close();
  });
});
