import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandUnavailable, requireOrSkip } from '../helpers/env.js';
import { startTestStation, type TestStation } from '../helpers/station.js';
import { bootEvents, bootFile, run, sha256, tftpPortOf } from './tftp-helpers.js';

/** Real TFTP clients (tftp-hpa, atftp, curl) against the station's server on loopback. */
const skip = requireOrSkip(
  commandUnavailable('tftp', 'tftp-hpa'),
  commandUnavailable('atftp', 'atftp'),
  commandUnavailable('curl', 'curl'),
);

describe.skipIf(skip)(`TFTP with real clients${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let t: TestStation;
  let port: number;
  let events: ReturnType<typeof bootEvents>;
  let out: string;
  const files: Record<string, { sha: string; size: number }> = {};

  beforeAll(async () => {
    t = await startTestStation();
    port = tftpPortOf(t);
    events = bootEvents(t);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-tftp-'));
    for (const [name, size] of [
      ['small.bin', 1000],
      ['exact.bin', 512 * 4], // a multiple of the block size ends with an empty block
      ['sub/dir/nbp.efi', 300_000],
      // 70000 blocks of 512: the block number wraps past 65535
      ['big.bin', 512 * 70_000 + 17],
    ] as const) {
      files[name] = { sha: bootFile(t, name, size).sha, size };
    }
  });
  afterAll(async () => {
    await t?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  const got = (f: string) => sha256(fs.readFileSync(path.join(out, f)));

  it('tftp-hpa (no options, lock-step 512) fetches files byte for byte', async () => {
    for (const name of ['small.bin', 'exact.bin', 'sub/dir/nbp.efi']) {
      const local = path.join(out, `hpa-${name.replace(/\//g, '_')}`);
      const r = await run('tftp', [
        '127.0.0.1',
        String(port),
        '-m',
        'binary',
        '-c',
        'get',
        name,
        local,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(sha256(fs.readFileSync(local))).toBe(files[name]!.sha);
    }
  });

  it('atftp with blksize 1468 and windowsize 16, across the block-number rollover', async () => {
    const r = await run(
      'atftp',
      [
        '--option',
        'blksize 1468',
        '--option',
        'windowsize 16',
        '--option',
        'tsize 0',
        '-g',
        '-r',
        'big.bin',
        '-l',
        path.join(out, 'atftp-big.bin'),
        '127.0.0.1',
        String(port),
      ],
      60_000,
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(got('atftp-big.bin')).toBe(files['big.bin']!.sha);
  });

  it('atftp lock-step at 512 bytes wraps the block number past 65535', async () => {
    const r = await run(
      'atftp',
      ['-g', '-r', 'big.bin', '-l', path.join(out, 'atftp-big-512.bin'), '127.0.0.1', String(port)],
      120_000,
    );
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(got('atftp-big-512.bin')).toBe(files['big.bin']!.sha);
  }, 120_000);

  it('curl fetches with tftp-blksize', async () => {
    const local = path.join(out, 'curl-nbp.efi');
    const r = await run('curl', [
      '-sS',
      '--tftp-blksize',
      '1428',
      '-o',
      local,
      `tftp://127.0.0.1:${port}/sub/dir/nbp.efi`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(got('curl-nbp.efi')).toBe(files['sub/dir/nbp.efi']!.sha);
  });

  it('publishes one boot event per transfer with file, bytes, duration and result', async () => {
    const e = await events.wait(
      (x) => x.protocol === 'tftp' && x.data?.file === 'small.bin' && x.data?.result === 'ok',
    );
    expect(e.client).toBe('127.0.0.1');
    expect(e.data).toMatchObject({ bytes: 1000, result: 'ok' });
    expect(typeof e.data?.durationMs).toBe('number');
  });

  it('ties the event to the MAC the client directory knows', async () => {
    t.station.ctx.clients.learn('127.0.0.1', '52:54:00:AA:BB:CC');
    const r = await run('curl', ['-sS', '-o', '/dev/null', `tftp://127.0.0.1:${port}/exact.bin`]);
    expect(r.code).toBe(0);
    const e = await events.wait(
      (x) => x.protocol === 'tftp' && x.data?.file === 'exact.bin' && x.mac !== null,
    );
    expect(e.mac).toBe('52:54:00:aa:bb:cc');
  });

  it('answers a missing file with error 1 and keeps serving', async () => {
    // tftp-hpa prints the server's error; curl 7.88 reports every TFTP error as "getpeername".
    const local = path.join(out, 'nope.bin');
    const r = await run('tftp', [
      '127.0.0.1',
      String(port),
      '-m',
      'binary',
      '-c',
      'get',
      'nope.bin',
      local,
    ]);
    expect(r.stdout + r.stderr).toMatch(/code 1: file not found/i);
    const ok = await run('curl', ['-sS', '-o', '/dev/null', `tftp://127.0.0.1:${port}/small.bin`]);
    expect(ok.code).toBe(0);
    expect(t.station.ctx.services.get('tftp')?.state).toBe('running');
  });
});
