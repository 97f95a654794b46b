import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDetail, MachineLogEntry } from '../../main/api/contract.js';
import { ACME_STEPS, writeProfile } from '../helpers/fixtures.js';

/**
 * `prepstation serve` killed with SIGKILL in the middle of a plan and started again on the
 * same data dir: every report the station acknowledged is still there, reports in flight at
 * the kill are either stored once or not at all, and the agent's resends are absorbed.
 */
const root = path.resolve(import.meta.dirname, '../..');
const UI_TOKEN = 'restart-test-token-0123456789';
const MAC = '52:54:00:00:06:40';

let dataDir: string;
let child: ChildProcess | null = null;
let uiPort = 0;
let httpPort = 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startServe(): Promise<void> {
  const args = [
    'bin/prepstation.js',
    'serve',
    '--data-dir',
    dataDir,
    '--http-port',
    String(httpPort),
    '--ui-port',
    String(uiPort),
    '--ui-token',
    UI_TOKEN,
    '--tftp',
    'false',
    '--log-level',
    'warn',
  ];
  child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  // Generous: a loaded 2-core CI machine can take many seconds to load the station.
  for (let i = 0; i < 900; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${httpPort}/health`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve did not come up:\n${out}`);
}

function kill9(): Promise<void> {
  const c = child!;
  child = null;
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}

const ui = (p: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${uiPort}${p}`, {
    ...init,
    headers: {
      authorization: `Bearer ${UI_TOKEN}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });

const bench = `http://127.0.0.1:`;

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'dist/main/machines/part.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.main.json'], { cwd: root, stdio: 'inherit' });
  }
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-restart-'));
  writeProfile(path.join(dataDir, 'profiles'));
  uiPort = await freePort();
  httpPort = await freePort();
}, 120_000);

afterAll(async () => {
  if (child) await kill9();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The whole plan as an agent reports it: started, a log line, succeeded, per step. */
function planReports(): { type: string; seq: number; [k: string]: unknown }[] {
  let seq = 1;
  return ACME_STEPS.flatMap((stepId) => [
    { type: 'step-started', seq: seq++, stepId, attempt: 1 },
    { type: 'step-log', seq: seq++, stepId, attempt: 1, lines: [`working on ${stepId}`] },
    { type: 'step-succeeded', seq: seq++, stepId, attempt: 1, exitCode: 0 },
  ]);
}

describe('station killed mid-plan', () => {
  it('keeps every acknowledged report and absorbs the resends after a restart', async () => {
    await startServe();
    // The answer files (and so the boot script) need the profile's admin password secret.
    const secret = await ui('/api/v1/secrets/admin-password', {
      method: 'PUT',
      body: JSON.stringify({ value: 'Adm1n-pw' }),
    });
    expect(secret.status).toBeLessThan(300);
    const add = await ui('/api/v1/machines', {
      method: 'POST',
      body: JSON.stringify({ mac: MAC, profile: 'acme' }),
    });
    expect(add.status).toBe(201);
    const id = ((await add.json()) as { id: string }).id;
    const script = await (await fetch(`${bench}${httpPort}/boot/ipxe?mac=${MAC}`)).text();
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)![1]!;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const send = (reports: unknown[]) =>
      fetch(`${bench}${httpPort}/agent/v1/reports`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ reports }),
      });

    const all = planReports();
    // Acknowledged one by one, as an agent with a slow link does: 7 reports.
    let acked = 0;
    for (const r of all.slice(0, 7)) {
      const res = await send([r]);
      expect(res.status).toBe(200);
      acked = ((await res.json()) as { value: { lastSeq: number } }).value.lastSeq;
    }
    expect(acked).toBe(7);
    // In flight at the kill: never acknowledged, so the agent will resend it.
    const inflight = send(all.slice(7, 10)).catch(() => null);
    await kill9();
    await inflight;

    await startServe();
    const plan = (await (await fetch(`${bench}${httpPort}/agent/v1/plan`, { headers })).json()) as {
      value: { lastSeq: number; status: Record<string, { status: string }> };
    };
    // Everything acknowledged survived; the in-flight batch is there whole or not at all.
    expect([7, 10]).toContain(plan.value.lastSeq);
    expect(plan.value.status.inventory!.status).toBe('succeeded');
    expect(plan.value.status['config-local-admin']!.status).toBe('succeeded');

    // The agent is unsure of everything and resends it all, then finishes the plan.
    const res = await send(all);
    expect(res.status).toBe(200);
    const ack = ((await res.json()) as { value: { lastSeq: number; state: string } }).value;
    expect(ack).toMatchObject({ lastSeq: all.length, state: 'done' });

    const d = (await (await ui(`/api/v1/machines/${id}`)).json()) as MachineDetail;
    expect(d.machine).toMatchObject({ state: 'done', stepsDone: 6, stepsTotal: 6 });
    const log = (await (await ui(`/api/v1/machines/${id}/log`)).json()) as MachineLogEntry[];
    const stepEntries = log.filter((e) => e.kind === 'step');
    // Exactly one started and one succeeded per step: nothing lost, nothing doubled.
    expect(stepEntries.length).toBe(ACME_STEPS.length * 2);
    expect(log.filter((e) => e.kind === 'log').length).toBe(ACME_STEPS.length);
    const seqs = log.map((e) => e.data.seq).filter((s): s is number => typeof s === 'number');
    expect(seqs).toEqual(all.map((r) => r.seq));
    await kill9();
  }, 300_000);
});
