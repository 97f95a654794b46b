import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../main/cli.js';
import { startTestStation, type TestStation } from '../../../helpers/station.js';

let s: TestStation;
beforeEach(async () => {
  s = await startTestStation();
});
afterEach(async () => {
  await s.stop();
});

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('app library over the UI API and the CLI', () => {
  it('POST /api/v1/apps streams a large upload in, then /files serves it with Range', async () => {
    // Bigger than the UI listener's 2 MiB body limit: the upload must be streamed, not buffered.
    const body = crypto.randomBytes(5 * 1024 * 1024 + 17);
    const q = new URLSearchParams({ name: '7-Zip', version: '24.08', fileName: '7z2408-x64.msi' });
    const res = await s.api(`/api/v1/apps?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; path: string; sha256: string };
    expect(created).toMatchObject({ id: '7-zip', sha256: sha(body) });

    const list = (await (await s.api('/api/v1/apps')).json()) as { id: string }[];
    expect(list.map((a) => a.id)).toEqual(['7-zip']);

    // An interrupted download resumes where it stopped.
    const part = await fetch(`${s.benchUrl}/files/${created.path}`, {
      headers: { range: `bytes=${body.length - 1000}-` },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(body.length - 1000))).toBe(
      true,
    );
  });

  it('refuses an upload without the token, without a version, or with a wrong sha256', async () => {
    const url = `${s.uiUrl}/api/v1/apps?name=x&version=1&fileName=x.sh`;
    expect((await fetch(url, { method: 'POST', body: 'echo\n' })).status).toBe(401);
    const noVersion = await s.api('/api/v1/apps?name=x&fileName=x.sh', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: 'echo\n',
    });
    expect(noVersion.status).toBe(400);
    expect(((await noVersion.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_package',
    );
    const wrong = await s.api(
      `/api/v1/apps?name=x&version=1&fileName=x.sh&sha256=${'0'.repeat(64)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: 'echo\n',
      },
    );
    expect(wrong.status).toBe(400);
    expect((await (await s.api('/api/v1/apps')).json()) as unknown[]).toEqual([]);
  });

  it('prepstation apps import puts a file into the same library', async () => {
    const file = path.join(s.dataDir, 'setup.sh');
    fs.writeFileSync(file, 'echo installed\n');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await main([
        'apps',
        'import',
        file,
        '--name',
        'Setup Tool',
        '--version',
        '2.1',
        '--id',
        'setup-tool',
        '--data-dir',
        s.dataDir,
      ]);
    } finally {
      out.mockRestore();
    }
    expect(code).toBe(0);
    const list = (await (await s.api('/api/v1/apps')).json()) as { id: string; size: number }[];
    expect(list).toMatchObject([{ id: 'setup-tool', size: 15 }]);
    const got = await fetch(`${s.benchUrl}/files/apps/setup-tool/2.1/setup.sh`);
    expect(await got.text()).toBe('echo installed\n');
  });
});
