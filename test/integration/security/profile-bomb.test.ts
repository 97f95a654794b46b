import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfileSource } from '../../../main/profiles/parse.js';
import { startTestStation } from '../../helpers/station.js';

/** A billion-laughs YAML: nine lines that expand to 9^9 nodes (issue 13 item 6). */
const bomb = [
  'id: bomb',
  'name: Bomb',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  '',
].join('\n');

describe('a bad profile file is a profile issue with its line, never a crash', () => {
  it('parseProfileSource turns an alias bomb into an issue at the first alias', () => {
    const src = parseProfileSource(bomb, 'bomb.yaml');
    expect(src.data).toBeNull();
    expect(src.issues).toEqual([
      expect.objectContaining({
        file: 'bomb.yaml',
        line: 4,
        message: expect.stringMatching(/alias/),
      }),
    ]);
  });

  it('the station starts with a bomb in its profiles folder and the API answers in one shape', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-bomb-'));
    const profilesDir = path.join(dataDir, 'profiles');
    fs.mkdirSync(profilesDir, { recursive: true });
    fs.writeFileSync(path.join(profilesDir, 'bomb.yaml'), bomb);
    const s = await startTestStation(['--data-dir', dataDir, '--profiles', profilesDir]);
    try {
      const list = (await (await s.api('/api/v1/profiles')).json()) as {
        id: string;
        issues?: { line: number; message: string }[];
      }[];
      const entry = list.find((p) => p.id === 'bomb');
      expect(entry, JSON.stringify(list)).toBeDefined();
      expect(JSON.stringify(entry)).toMatch(/alias/);

      const put = await s.api('/api/v1/profiles/bomb2', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: bomb.replace('id: bomb', 'id: bomb2') }),
      });
      expect(put.status).toBe(422);
      const body = (await put.json()) as { ok: boolean; error: { code: string; details: unknown } };
      expect(body).toMatchObject({ ok: false, error: { code: 'invalid_profile' } });
      expect(JSON.stringify(body.error.details)).toMatch(/"line":4/);

      // Fastify's own errors (a bad JSON body) come in the same { ok: false, error } shape.
      const bad = await s.api('/api/v1/profiles/x', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"text":',
      });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ ok: false, error: { code: expect.any(String) } });
    } finally {
      await s.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
