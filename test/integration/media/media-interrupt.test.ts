import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireOrSkip } from '../../helpers/env.js';
import {
  buildWindowsMedium,
  windowsMediaToolsMissing,
  type BuiltMedium,
} from '../../helpers/windows-media.js';

/**
 * An import that does not finish: Ctrl+C (the CLI cancels and cleans up) and kill -9 (the
 * staging folder stays until the next import, list or station start removes it and says
 * so). Neither is ever listed. Runs the built CLI (bin/prepstation.js, after `npm run build`).
 */
const bin = path.resolve('bin/prepstation.js');
const skip = requireOrSkip(
  ...windowsMediaToolsMissing(),
  fs.existsSync(path.resolve('dist/main/cli.js'))
    ? null
    : 'the station is not built (npm run build)',
);

let medium: BuiltMedium;
let dataDir: string;
beforeAll(() => {
  if (skip) return;
  // Big enough that the copy takes a moment: about 300 MiB of incompressible data.
  medium = buildWindowsMedium({ padding: 150 * 1024 * 1024 });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-media-int-'));
});
afterAll(() => {
  if (skip) return;
  fs.rmSync(medium.work, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const mediaDir = (): string => path.join(dataDir, 'files', 'media');
const staging = (): string[] =>
  fs.existsSync(mediaDir())
    ? fs.readdirSync(mediaDir()).filter((n) => n.startsWith('.import-'))
    : [];

/** Starts an import and resolves once its staging folder holds some bytes. */
async function startImport(id: string) {
  const child = spawn(
    process.execPath,
    [bin, 'media', 'import', medium.iso, '--id', id, '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  for (let i = 0; i < 3000; i++) {
    const s = staging()[0];
    const big =
      s && fs.existsSync(path.join(mediaDir(), s, 'sources'))
        ? fs.readdirSync(path.join(mediaDir(), s, 'sources')).length > 0
        : false;
    if (big) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, exited, output: () => out };
}

describe.skipIf(skip)('an interrupted media import', () => {
  it('Ctrl+C: the CLI stops 7-Zip, removes the staging folder and says nothing was kept', async () => {
    const run = await startImport('win11-a');
    expect(staging()).toHaveLength(1);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/cancelled; nothing was kept/);
    expect(fs.readdirSync(mediaDir())).toEqual([]);
  });

  it('kill -9: nothing is listed, and the next command removes the leftovers and says so', async () => {
    const run = await startImport('win11-b');
    expect(staging()).toHaveLength(1);
    // 7-Zip is the CLI's child; kill -9 of the CLI leaves it running (no parent-death signal
    // from Node), so the test waits for it (it fails once its folder is gone) and reaps it.
    const children = childrenOf(run.child.pid!);
    run.child.kill('SIGKILL');
    await run.exited;
    const list = spawn(process.execPath, [bin, 'media', 'list', '--json', '--data-dir', dataDir]);
    let out = '';
    let err = '';
    list.stdout.on('data', (d: Buffer) => (out += d.toString()));
    list.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise((r) => list.on('exit', r));
    expect(JSON.parse(out)).toEqual([]);
    expect(err).toMatch(
      /Removed the leftovers of an interrupted import \(\.import-win11-b-[0-9a-f]+\)/,
    );
    expect(fs.readdirSync(mediaDir())).toEqual([]);
    for (const pid of children) {
      for (let i = 0; i < 300 && fs.existsSync(`/proc/${pid}`); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (fs.existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
    }
  });
});

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
