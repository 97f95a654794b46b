import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary, MachineSummary } from '../../main/api/contract.js';
import { report as reportCommand } from '../../main/commands/report.js';
import type { ProfileInput } from '../../main/profiles/schema.js';
import { CSV_COLUMNS } from '../../main/reports/csv.js';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';

/**
 * Reports from a real station: a batch of four PCs driven through the real boot script and
 * agent API (one clean, one retried, one failed then skipped by the technician, one still
 * running), then fetched as PDF, CSV and JSON over the UI API and written by the CLI.
 */

const ADMIN_PW = 'Adm1n-Geheim-42';
const WIFI_KEY = 'Wlan-Schluessel-77';
const skipPdf = requireOrSkip(commandUnavailable('pdftotext', 'poppler-utils'));
const artifacts = path.resolve('test-artifacts/reports');

const profile: ProfileInput = {
  id: 'mueller',
  name: 'Müller & Söhne office',
  customer: { name: 'Müller & Söhne GmbH', code: 'MS', logo: 'logos/mueller.png' },
  target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
  admin: { username: 'admin', password: { secret: 'admin-password' } },
  apps: [
    { id: 'firefox', name: 'Mozilla Firefox', source: { system: 'firefox' }, installer: 'system' },
    {
      id: 'libreoffice',
      name: 'LibreOffice Fresh',
      source: { system: 'libreoffice' },
      installer: 'system',
      retries: 1,
    },
    {
      id: 'zoom',
      name: 'Zoom Workplace',
      source: {
        url: 'https://downloads.example/zoom_amd64.deb',
        sha256: 'b'.repeat(64),
        size: 1000,
      },
      installer: 'deb',
      retries: 0,
    },
  ],
  config: [
    { id: 'office-wifi', type: 'wifi', ssid: 'Büro', passphrase: { secret: 'wifi-key' } },
    { id: 'motd', type: 'file', path: '/etc/motd', content: 'Willkommen' },
  ],
  checks: [
    { id: 'ff', type: 'app-installed', app: 'firefox' },
    { id: 'ssh', type: 'service', service: 'ssh' },
  ],
};
const STEPS = [
  'inventory',
  'config-local-admin',
  'app-firefox',
  'app-libreoffice',
  'app-zoom',
  'config-office-wifi',
  'config-motd',
  'check-ff',
  'check-ssh',
];
const MACS = ['52:54:00:09:00:01', '52:54:00:09:00:02', '52:54:00:09:00:03', '52:54:00:09:00:04'];

/** A small real PNG (a coloured bar), so the PDF embeds an actual logo. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, i) => rgb[i % 3]!)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let ts: TestStation;
let profilesDir: string;
let batch: BatchSummary;
const ids: string[] = [];

async function json<T>(r: Response): Promise<T> {
  expect(r.ok, `${r.status} ${await r.clone().text()}`).toBe(true);
  return (await r.json()) as T;
}

function send(p: string, method: string, body: unknown): Promise<Response> {
  return ts.api(p, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** One PC's agent, speaking the agent protocol with its own token. */
function agentFor(token: string) {
  let seq = 0;
  const post = async (reports: Record<string, unknown>[]): Promise<void> => {
    const r = await fetch(`${ts.benchUrl}/agent/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports: reports.map((x) => ({ ...x, seq: ++seq })) }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
  };
  const ok = (stepId: string, extra: Record<string, unknown> = {}) => [
    { type: 'step-started', stepId, attempt: 1 },
    { type: 'step-succeeded', stepId, attempt: 1, exitCode: 0, ...extra },
  ];
  return { post, ok };
}

function inventory(i: number): Record<string, unknown> {
  return {
    type: 'inventory',
    inventory: {
      vendor: 'Dell Inc.',
      model: 'OptiPlex 7010 Micro',
      serial: `DELL-SN-90${i}`,
      cpu: 'Intel(R) Core(TM) i5-13500T',
      cores: 14,
      ramBytes: 32 * 1024 ** 3,
      disks: [{ name: 'nvme0n1', model: 'KIOXIA BG5', sizeBytes: 256_060_514_304 }],
      macs: [MACS[i]!],
      os: 'Ubuntu',
      osVersion: '24.04.1 LTS',
      hostname: `ms-pc-0${i + 1}`,
      agentVersion: '1.0.0',
    },
  };
}

beforeAll(async () => {
  profilesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-report-profiles-'));
  fs.writeFileSync(path.join(profilesDir, 'mueller.yaml'), stringify(profile));
  ts = await startTestStation(['--profiles', profilesDir]);
  fs.mkdirSync(path.join(ts.dataDir, 'files', 'logos'), { recursive: true });
  fs.writeFileSync(
    path.join(ts.dataDir, 'files', 'logos', 'mueller.png'),
    png(160, 48, [200, 30, 40]),
  );
  for (const [name, value] of [
    ['admin-password', ADMIN_PW],
    ['wifi-key', WIFI_KEY],
  ]) {
    await json(await send(`/api/v1/secrets/${name}`, 'PUT', { value }));
  }
  const logo = `data:image/png;base64,${png(120, 40, [31, 78, 121]).toString('base64')}`;
  await json(
    await send('/api/v1/settings/shop', 'PUT', {
      name: 'Bench & Byte IT-Service',
      address: 'Hauptstraße 5, München',
      technician: 'Jörg Meier',
      logo,
      timeZone: 'Europe/Berlin',
    }),
  );
  batch = await json<BatchSummary>(
    await send('/api/v1/batches', 'POST', {
      profile: 'mueller',
      macs: MACS,
      name: 'Müller November',
    }),
  );

  for (const [i, mac] of MACS.entries()) {
    // The PC network-boots: the request registers it, the batch assigns it, the script carries its token.
    const script = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(script)?.[1];
    expect(token, script).toBeTruthy();
    const plan = await json<{ value: { machineId: string; steps: { id: string }[] } }>(
      await fetch(`${ts.benchUrl}/agent/v1/plan`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(plan.value.steps.map((s) => s.id)).toEqual(STEPS);
    ids.push(plan.value.machineId);
    const a = agentFor(token!);
    await a.post([
      { type: 'step-started', stepId: 'inventory', attempt: 1 },
      inventory(i),
      { type: 'step-succeeded', stepId: 'inventory', attempt: 1, exitCode: 0 },
    ]);
    // The agent sets the real local admin password (issue 13).
    await a.post(a.ok('config-local-admin'));
    await a.post(
      a.ok('app-firefox', { message: 'Mozilla Firefox 133.0 installed (version 133.0)' }),
    );
    if (i === 2) {
      await a.post([
        { type: 'step-started', stepId: 'app-libreoffice', attempt: 1 },
        { type: 'step-progress', stepId: 'app-libreoffice', attempt: 1, percent: 35 },
      ]);
      continue; // still installing when the report is made
    }
    if (i === 1) {
      await a.post([
        { type: 'step-started', stepId: 'app-libreoffice', attempt: 1 },
        {
          type: 'step-log',
          stepId: 'app-libreoffice',
          attempt: 1,
          lines: [
            'E: Could not get lock /var/lib/dpkg/lock-frontend',
            `nmcli ... password=${WIFI_KEY}`,
          ],
        },
        {
          type: 'step-failed',
          stepId: 'app-libreoffice',
          attempt: 1,
          exitCode: 100,
          reason: 'apt-get exited with 100: dpkg lock held',
        },
        { type: 'step-started', stepId: 'app-libreoffice', attempt: 2 },
        { type: 'step-succeeded', stepId: 'app-libreoffice', attempt: 2, exitCode: 0 },
      ]);
    } else {
      await a.post(a.ok('app-libreoffice'));
    }
    if (i === 3) {
      await a.post([
        { type: 'step-started', stepId: 'app-zoom', attempt: 1 },
        {
          type: 'step-failed',
          stepId: 'app-zoom',
          attempt: 1,
          exitCode: 1,
          reason: 'sha256 of zoom_amd64.deb does not match',
          logTail: ['expected bbbb…, got 3f2a…'],
        },
      ]);
      // The technician decides the PC ships without Zoom.
      await json(
        await ts.api(`/api/v1/machines/${plan.value.machineId}/steps/app-zoom/skip`, {
          method: 'POST',
        }),
      );
    } else {
      await a.post(a.ok('app-zoom'));
    }
    await a.post([
      ...a.ok('config-office-wifi'),
      ...a.ok('config-motd'),
      ...a.ok('check-ff', { message: 'Mozilla Firefox 133.0' }),
      ...a.ok('check-ssh', { message: 'ssh.service is active (running)' }),
    ]);
  }
  const machines = await json<MachineSummary[]>(await ts.api('/api/v1/machines'));
  expect(machines.map((m) => m.state).sort()).toEqual(['done', 'done', 'done', 'provisioning']);
}, 180_000);

afterAll(async () => {
  await ts?.stop();
  fs.rmSync(profilesDir, { recursive: true, force: true });
});

// Rendering loads pdfkit and fonts: slow on a busy 2-core machine, never a speed assertion.
describe('reports from a real station', { timeout: 180_000 }, () => {
  it.skipIf(skipPdf)(
    'batch PDF over the UI API: every machine and app, the in-progress one says so, no secret',
    async () => {
      const r = await ts.api(`/api/v1/reports/batches/${batch.id}?format=pdf`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/pdf');
      expect(r.headers.get('content-disposition')).toMatch(
        /^attachment; filename="prep-report-batch-Muller-November\.pdf"; filename\*=UTF-8''/,
      );
      fs.mkdirSync(artifacts, { recursive: true });
      const file = path.join(artifacts, 'station-batch.pdf');
      fs.writeFileSync(file, Buffer.from(await r.arrayBuffer()));
      const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
      const flat = text.replace(/\s+/g, ' ');
      for (let i = 0; i < MACS.length; i++) {
        expect(text).toContain(`DELL-SN-90${i}`);
        expect(text).toContain(`ms-pc-0${i + 1}`);
      }
      for (const app of ['Mozilla Firefox', 'LibreOffice Fresh', 'Zoom Workplace'])
        expect(text).toContain(app);
      expect(text).toContain('Müller & Söhne GmbH');
      expect(text).toContain('Bench & Byte IT-Service');
      expect(text).toContain('Jörg Meier');
      expect(flat).toContain('IN PROGRESS');
      expect(flat).toContain('Retried automatically (attempt 2)');
      expect(flat).toContain('Skipped by the technician');
      expect(flat).toContain('passphrase [masked]');
      for (const secret of [ADMIN_PW, WIFI_KEY, ts.token]) expect(text).not.toContain(secret);
      // Page 1 is the summary; each machine starts on its own page, the in-progress one says so there.
      const pages = Number(
        /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1],
      );
      const starts = Array.from({ length: pages }, (_, p) =>
        execFileSync('pdftotext', ['-f', String(p + 1), '-l', String(p + 1), file, '-'], {
          encoding: 'utf8',
        }),
      );
      // The running header names the machine whose section the page holds.
      for (const page of starts.slice(1)) {
        const head = /Machine (\d) of 4:/.exec(page.split('\n')[0]!)?.[1];
        const body = /^Machine (\d) of 4:/m.exec(page.split('\n').slice(1).join('\n'))?.[1];
        expect(head).toBeDefined();
        if (body) expect(body).toBe(head);
      }
      const third = starts.find((p) =>
        /^Machine 3 of 4:/m.test(p.split('\n').slice(1).join('\n')),
      )!;
      expect(third).toContain('IN PROGRESS');
      execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(artifacts, 'station-batch')]);
    },
  );

  it('batch CSV parses back to one line per machine and step', async () => {
    const r = await ts.api(`/api/v1/reports/batches/${batch.id}?format=csv`);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const body = Buffer.from(await r.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(body, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(MACS.length * STEPS.length);
    const byMachine = (serial: string) => rows.filter((x) => x.serial === serial);
    expect(byMachine('DELL-SN-901').find((x) => x.step_id === 'app-libreoffice')).toMatchObject({
      step_status: 'succeeded',
      step_attempts: '2',
      step_exit_code: '0',
    });
    expect(byMachine('DELL-SN-903').find((x) => x.step_id === 'app-zoom')).toMatchObject({
      step_status: 'skipped',
      installer_file: 'zoom_amd64.deb',
    });
    expect(byMachine('DELL-SN-902')[0]!.machine_status).toBe('in-progress');
    expect(rows.every((x) => x.customer === 'Müller & Söhne GmbH' && x.batch_id === batch.id)).toBe(
      true,
    );
    expect(body.toString('utf8')).not.toContain(WIFI_KEY);
  });

  it('machine JSON by MAC validates against the schema', async () => {
    const r = await ts.api(
      `/api/v1/reports/machines/${MACS[1]!.toUpperCase().replace(/:/g, '-')}?format=json`,
    );
    expect(r.status).toBe(200);
    const doc = (await r.json()) as {
      kind: string;
      machines: { id: string; failures: unknown[] }[];
    };
    expect(reportSchemaErrors(doc)).toBeNull();
    expect(doc.kind).toBe('machine');
    expect(doc.machines[0]!.id).toBe(ids[1]);
    expect(doc.machines[0]!.failures).toHaveLength(1);
  });

  it('answers errors as { ok: false, error } and needs the token', async () => {
    const missing = await ts.api('/api/v1/reports/batches/nope?format=pdf');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const bad = await ts.api(`/api/v1/reports/batches/${batch.id}?format=xml`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_query' } });
    expect((await fetch(`${ts.uiUrl}/api/v1/reports/batches/${batch.id}`)).status).toBe(401);
    const shop = await json<{ name: string; logo: string }>(await ts.api('/api/v1/settings/shop'));
    expect(shop.name).toBe('Bench & Byte IT-Service');
    expect(
      (await send('/api/v1/settings/shop', 'PUT', { logo: 'data:image/svg+xml;base64,PHN2Zz4=' }))
        .status,
    ).toBe(400);
  });

  it('prepstation report writes the same batch from the data dir while the station runs', async () => {
    const out = path.join(ts.dataDir, 'cli-report.json');
    expect(
      await reportCommand([
        '--batch',
        batch.id,
        '--format',
        'json',
        '--out',
        out,
        '--data-dir',
        ts.dataDir,
        '--technician',
        'Ana Schulz',
      ]),
    ).toBe(0);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      technician: string;
      machines: unknown[];
      totals: { done: number; inProgress: number };
    };
    expect(doc.technician).toBe('Ana Schulz');
    expect(doc.machines).toHaveLength(4);
    expect(doc.totals).toMatchObject({ done: 3, inProgress: 1 });
    const pdf = path.join(ts.dataDir, 'cli-report.pdf');
    expect(
      await reportCommand([
        '--machine',
        MACS[0]!,
        '--format',
        'pdf',
        '--paper',
        'letter',
        '--out',
        pdf,
        '--data-dir',
        ts.dataDir,
      ]),
    ).toBe(0);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(
      await reportCommand([
        '--machine',
        '52:54:00:ff:ff:ff',
        '--format',
        'pdf',
        '--out',
        pdf,
        '--data-dir',
        ts.dataDir,
      ]),
    ).toBe(1);
    expect(
      await reportCommand([
        '--batch',
        batch.id,
        '--format',
        'xml',
        '--out',
        pdf,
        '--data-dir',
        ts.dataDir,
      ]),
    ).toBe(2);
  });
});
