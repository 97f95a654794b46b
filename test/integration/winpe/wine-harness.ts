import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WinpeFiles } from '../../../main/profiles/render/winpe.js';

/**
 * Runs the rendered WinPE files under Wine's cmd with recording stand-ins (standin.c) for the
 * WinPE tools. X: and W: are Wine drive letters mapped to folders of one scenario, so the
 * scripts run with their real paths (X:\Windows\System32\deploy.cmd, W:\Windows\Panther).
 */

export const TOOLS = [
  'wpeinit',
  'wpeutil',
  'drvload',
  'diskpart',
  'curl',
  'dism',
  'bcdboot',
  'reg',
  'wmic',
  'ping',
] as const;

export function wineBinary(): string | null {
  for (const p of ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine']) {
    if (fs.existsSync(p)) return p;
  }
  return null;
}

export interface Wine {
  root: string;
  prefix: string;
  tools: string;
  run(files: WinpeFiles, rules: string[], extra?: Record<string, string>): Scenario;
  dispose(): void;
}

export interface Scenario {
  dir: string;
  /** Every stand-in call in order: [tool, ...args]; diskpart scripts as ['diskpart-script', line]. */
  calls: string[][];
  stdout: string;
  exitCode: number | null;
  /** The W: folder after the run. */
  w: string;
}

const winPath = (p: string) => `Z:${p.replace(/\//g, '\\')}`;

/** One Wine prefix and one stand-in build per test file (creating a prefix takes ~10 s). */
export function setupWine(): Wine {
  const wine = wineBinary()!;
  // No spaces: the scripts quote their paths, but the stand-ins' rules file is simpler so.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-wine-'));
  const prefix = path.join(root, 'prefix');
  const tools = path.join(root, 'tools');
  fs.mkdirSync(tools);
  const env = {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
  };
  execFileSync(wine, ['cmd', '/c', 'echo', 'ready'], { env, stdio: 'ignore', timeout: 180_000 });
  const exe = path.join(tools, 'standin.exe');
  execFileSync('x86_64-w64-mingw32-gcc', [
    '-O1',
    '-o',
    exe,
    path.join(import.meta.dirname, 'standin.c'),
  ]);
  for (const t of TOOLS) fs.copyFileSync(exe, path.join(tools, `${t}.exe`));
  fs.rmSync(exe);
  let n = 0;
  return {
    root,
    prefix,
    tools,
    run(files, rules, extra = {}) {
      const dir = path.join(root, `s${++n}`);
      const x = path.join(dir, 'x');
      const w = path.join(dir, 'w');
      const sys = path.join(x, 'Windows', 'System32');
      fs.mkdirSync(sys, { recursive: true });
      fs.mkdirSync(w, { recursive: true });
      for (const [name, body] of Object.entries(files))
        fs.writeFileSync(path.join(sys, name), body);
      for (const [name, body] of Object.entries(extra))
        fs.writeFileSync(path.join(dir, name), body);
      fs.writeFileSync(path.join(dir, 'rules.txt'), rules.join('\r\n') + '\r\n');
      const dev = path.join(prefix, 'dosdevices');
      for (const [letter, target] of [
        ['x:', x],
        ['w:', w],
      ] as const) {
        fs.rmSync(path.join(dev, letter), { force: true });
        fs.symlinkSync(target, path.join(dev, letter));
      }
      const rec = path.join(dir, 'calls.txt');
      const r = spawnSync(wine, ['cmd', '/c', 'X:\\Windows\\System32\\deploy.cmd'], {
        env: {
          ...process.env,
          WINEPREFIX: prefix,
          WINEDEBUG: '-all',
          WINEPATH: winPath(tools),
          PS_TEST_REC: winPath(rec),
          PS_TEST_DIR: winPath(dir),
        },
        cwd: dir,
        input: '',
        encoding: 'utf8',
        timeout: 120_000,
      });
      const calls = fs.existsSync(rec)
        ? fs
            .readFileSync(rec, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split('\t'))
        : [];
      return { dir, calls, stdout: r.stdout, exitCode: r.status, w };
    },
    dispose() {
      spawnSync(path.join(path.dirname(wine), 'wineserver'), ['-k'], {
        env: { ...process.env, WINEPREFIX: prefix },
      });
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The WinPE progress reports among the calls, as form fields (curl -d / --data-urlencode). */
export function reports(calls: string[][]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const c of calls) {
    if (c[0] !== 'curl' || !c.some((a) => a.endsWith('/winpe'))) continue;
    const fields: Record<string, string> = {};
    for (let i = 1; i < c.length - 1; i++) {
      if (c[i] === '-d') {
        for (const [k, v] of new URLSearchParams(c[i + 1]!)) fields[k] = v;
      }
      if (c[i] === '--data-urlencode') {
        const v = c[i + 1]!;
        const at = v.indexOf('@');
        const eq = v.indexOf('=');
        if (eq > 0 && (at < 0 || eq < at)) fields[v.slice(0, eq)] = v.slice(eq + 1);
        else if (at > 0) fields[v.slice(0, at)] = `@${v.slice(at + 1)}`;
      }
    }
    out.push(fields);
  }
  return out;
}

/** The tool calls only (no reports, no sleeps): the commands a technician would see. */
export function toolCalls(calls: string[][]): string[] {
  return calls
    .filter((c) => c[0] !== 'ping' && c[0] !== 'diskpart-script')
    .filter((c) => !(c[0] === 'curl' && c.some((a) => a.endsWith('/winpe'))))
    .map((c) => c.join(' '));
}

/**
 * A recorded curl call to the station as the HTTP request curl makes of it: `-d` data as
 * given, `--data-urlencode name=value` and `name@file` (the file read through the scenario's
 * drive letters) URL-encoded, joined with &, POSTed as a form to the last argument.
 */
export function curlRequest(
  call: string[],
  drives: Record<string, string>,
): { url: string; body: string } {
  const parts: string[] = [];
  for (let i = 1; i < call.length - 1; i++) {
    if (call[i] === '-d') parts.push(call[i + 1]!);
    if (call[i] === '--data-urlencode') {
      const v = call[i + 1]!;
      const at = v.indexOf('@');
      const eq = v.indexOf('=');
      if (eq >= 0 && (at < 0 || eq < at)) {
        parts.push(`${v.slice(0, eq)}=${encodeURIComponent(v.slice(eq + 1))}`);
      } else if (at > 0) {
        const win = v.slice(at + 1);
        const root = drives[win.slice(0, 1).toLowerCase()]!;
        const file = path.join(root, ...win.slice(3).split('\\'));
        const text = fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '';
        parts.push(`${v.slice(0, at)}=${encodeURIComponent(text)}`);
      }
    }
  }
  return { url: call.at(-1)!, body: parts.join('&') };
}
