import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../../main/api/contract.js';
import { sha512Crypt } from '../../../main/profiles/render/sha512-crypt.js';
import type { TestStation } from '../../helpers/station.js';
import { startAcmeStation } from '../../helpers/fixtures.js';

/**
 * Issue 13 item 9: what an answer file carries is good for one deployment only, and the
 * real admin password goes only to the machine's agent, at the machine's own address.
 */
let ts: TestStation;
beforeEach(async () => {
  ts = await startAcmeStation();
});
afterEach(async () => {
  await ts.stop();
});

/** A GET from another loopback address (127.0.0.2 is another host to the station). */
function getFrom(localAddress: string, url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get(url, { localAddress, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function deploy(mac: string): Promise<{ id: string; token: string; hash: string }> {
  const m = (await (
    await ts.api('/api/v1/machines', json({ mac, profile: 'acme' }))
  ).json()) as MachineSummary;
  return { id: m.id, ...(await boot(mac)) };
}

async function boot(mac: string): Promise<{ token: string; hash: string }> {
  const script = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
  const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)![1]!;
  const userData = await (await fetch(`${ts.benchUrl}/t/${token}/user-data`)).text();
  const hash = /password: (?:"|')?(\$6\$[^\s"']+)/.exec(userData)![1]!;
  return { token, hash };
}

describe('one-time credentials in answer files', () => {
  it('the answer file sets a one-time admin password, new with every deployment', async () => {
    const first = await deploy('52:54:00:00:13:91');
    const salt = first.hash.split('$')[2]!;
    // Not the real admin password (Adm1n-pw) under the same salt.
    expect(first.hash).not.toBe(sha512Crypt('Adm1n-pw', salt));

    // A reset starts a new deployment: another one-time password.
    expect((await ts.api(`/api/v1/machines/${first.id}/reset`, { method: 'POST' })).status).toBe(
      200,
    );
    const second = await boot('52:54:00:00:13:91');
    expect(second.token).not.toBe(first.token);
    expect(second.hash).not.toBe(first.hash);
    // The old token's answer file has expired with its deployment.
    expect((await fetch(`${ts.benchUrl}/t/${first.token}/user-data`)).status).toBe(410);

    // The plan sets the real one through the agent's channel.
    const plan = (await (
      await fetch(`${ts.benchUrl}/agent/v1/plan`, {
        headers: { authorization: `Bearer ${second.token}` },
      })
    ).json()) as { value: { steps: { id: string; type: string; params: unknown }[] } };
    expect(plan.value.steps[1]).toMatchObject({
      id: 'config-local-admin',
      type: 'local-admin-password',
      params: { user: 'admin', secret: 'admin-password' },
    });
  });

  it("/agent/v1/secrets answers only the machine's own address", async () => {
    const { token } = await deploy('52:54:00:00:13:92');
    const auth = { authorization: `Bearer ${token}` };
    const url = `${ts.benchUrl}/agent/v1/secrets/admin-password`;
    const stranger = await getFrom('127.0.0.2', url, auth);
    expect(stranger.status).toBe(403);
    expect(stranger.body).not.toContain('Adm1n-pw');
    const own = await getFrom('127.0.0.1', url, auth);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body)).toMatchObject({ value: { value: 'Adm1n-pw' } });
  });
});
