import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';

const SECRET = `Very"Secret'$\\Pw-4711`;
let t: TestStation;
const events: string[] = [];

beforeAll(async () => {
  t = await startTestStation();
  t.station.ctx.bus.on((e) => events.push(JSON.stringify(e)));
});
afterAll(async () => {
  const logs = path.join(t.dataDir, 'logs');
  await t.station.stop();
  // Secrets never reach the log files or events.
  for (const f of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
    expect(fs.readFileSync(path.join(logs, f), 'utf8')).not.toContain('4711');
  }
  expect(events.join('\n')).not.toContain('4711');
  fs.rmSync(t.dataDir, { recursive: true, force: true });
});

const json = (body: unknown): RequestInit => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('profiles API', () => {
  it('lists the seeded samples', async () => {
    const res = await t.api('/api/v1/profiles');
    expect(res.status).toBe(200);
    const list = (await res.json()) as { id: string; ok: boolean }[];
    expect(list.map((p) => p.id)).toContain('dental-weber');
    expect(list.every((p) => p.ok)).toBe(true);
  });

  it('refuses an invalid profile with its lines, saves a valid one, keeps history and a diff', async () => {
    const got = (await (await t.api('/api/v1/profiles/school-lab')).json()) as { text: string };
    const bad = await t.api(
      '/api/v1/profiles/school-lab',
      json({ text: got.text.replace('code: GSN', 'code: GSN\n  colour: red') }),
    );
    expect(bad.status).toBe(422);
    const err = (await bad.json()) as {
      ok: false;
      error: { code: string; details: { line: number; message: string }[] };
    };
    expect(err.error.code).toBe('invalid_profile');
    expect(err.error.details[0]).toMatchObject({
      line: 9,
      col: 3,
      message: 'unknown key "colour"',
    });

    const ok = await t.api(
      '/api/v1/profiles/school-lab',
      json({ text: got.text.replace('code: GSN', 'code: GSN2'), author: 'kim' }),
    );
    expect(ok.status).toBe(200);
    const history = (await (await t.api('/api/v1/profiles/school-lab/history')).json()) as {
      author: string;
    }[];
    expect(history.map((h) => h.author)).toEqual(['loaded from disk', 'kim']);
    const diff = await (await t.api('/api/v1/profiles/school-lab/diff')).text();
    expect(diff).toContain('+  code: GSN2');
  });

  it('refuses an id that is not a plain name, and writes nothing', async () => {
    const res = await t.api('/api/v1/profiles/..%2Fescape', json({ text: 'id: x\n' }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_id');
    expect(fs.existsSync(path.join(t.dataDir, 'escape.yaml'))).toBe(false);
  });

  it('secrets: set, list without values, preview masked', async () => {
    const put = await t.api('/api/v1/secrets/admin-password', json({ value: SECRET }));
    expect(put.status).toBe(200);
    const listText = await (await t.api('/api/v1/secrets')).text();
    expect(listText).not.toContain('4711');
    const list = JSON.parse(listText) as {
      secrets: { name: string; usedBy: string[] }[];
      missing: string[];
    };
    expect(list.secrets[0]).toMatchObject({
      name: 'admin-password',
      usedBy: expect.arrayContaining(['dental-weber']),
    });
    expect(list.missing).toContain('mueller-domain-join');

    const preview = await t.api('/api/v1/profiles/dental-weber/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        firmware: 'bios',
        machine: { macs: ['52:54:00:00:00:01'], serial: 'ABC123456' },
      }),
    });
    expect(preview.status).toBe(200);
    const body = await preview.text();
    expect(body).not.toContain('4711');
    // The masked password's obfuscated form, never the real one's.
    expect(body).not.toContain(Buffer.from(SECRET + 'Password', 'utf16le').toString('base64'));
    const p = JSON.parse(body) as { hostname: string; files: { name: string }[] };
    expect(p.hostname).toBe('DENTW-123456');
    expect(p.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['autounattend.xml', 'ipxe', 'deploy.cmd']),
    );
    // The value is still there for the machine render.
    expect(t.station.ctx.secrets.reveal('admin-password')).toBe(SECRET);
  });
});
