import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { MachineDetail, MachineLogEntry } from '../../main/api/contract.js';
import { agentScriptPath } from '../../main/agent/scripts/routes.js';
import { pwshEnv, pwshPath } from '../helpers/pwsh.js';
import { RestartableStation, freePort, tempDir, type AgentRun } from './agent-sh-helpers.js';

/**
 * agent.ps1 started under PowerShell 7 on Linux the way the boot task starts it on
 * Windows (-File agent.ps1 -Run), with the waits shortened and the reboot command
 * replaced by a marker file. `script` is a machine's own copy (parts inlined, station and
 * token inside) started without arguments, as start.cmd does.
 */
export function startPs1Agent(o: {
  station: string;
  token: string;
  stateDir: string;
  rebootMarker: string;
  script?: string | undefined;
}): AgentRun {
  const env = pwshEnv({
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    PREPSTATION_RETRY_DELAY: '0.5',
    PREPSTATION_HEARTBEAT: '1',
    PREPSTATION_STATION_WAIT: '60',
    PREPSTATION_BUSY_WAIT: '1',
  });
  const common = ['-StateDir', o.stateDir, '-RebootCmd', `touch '${o.rebootMarker}'`];
  const args = o.script
    ? ['-File', o.script, ...common]
    : [
        '-File',
        agentScriptPath('agent.ps1'),
        '-Run',
        '-Station',
        o.station,
        '-Token',
        o.token,
        ...common,
      ];
  const child = spawn(pwshPath()!, ['-NoLogo', '-NoProfile', '-NonInteractive', ...args], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    wait: async (ms = 240_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          let log = '';
          try {
            log = fs.readFileSync(path.join(o.stateDir, 'agent.log'), 'utf8');
          } catch {
            // no log yet
          }
          reject(
            new Error(
              `agent.ps1 did not exit within ${ms} ms\n--- output\n${out}\n--- agent.log\n${log}`,
            ),
          );
        }, ms);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** The station holds boots until the profile's secrets are set. */
export async function setSecret(s: RestartableStation, name: string, value: string): Promise<void> {
  await s.json(`/api/v1/secrets/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value }),
  });
}

/** A station in a temp dir; `cleanups` kills the agents, stops it and removes the dir. */
export async function setupPs1(tag: string, cleanups: (() => Promise<void> | void)[]) {
  const tmp = tempDir(`ps1-agent-${tag}-`);
  const s = new RestartableStation(path.join(tmp, 'data'), await freePort(), await freePort());
  const agents: AgentRun[] = [];
  cleanups.push(async () => {
    for (const a of agents) a.kill();
    await s.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return { tmp, s, agents };
}

/** Seq numbers of the stored reports: 1..n, each once, none missing. */
export function expectEveryReportOnce(log: MachineLogEntry[]): void {
  const last = Math.max(...log.map((x) => x.deployment));
  const seqs = log
    .filter((e) => e.deployment === last)
    .map((e) => e.data.seq)
    .filter((s): s is number => typeof s === 'number')
    .sort((a, b) => a - b);
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
}

export function stepEntries(log: MachineLogEntry[], stepId: string): string[] {
  return log
    .filter((e) => e.data.stepId === stepId && (e.kind === 'step' || e.kind === 'duplicate'))
    .map(
      (e) =>
        `${e.kind === 'duplicate' ? 'dup ' : ''}${String(e.data.status ?? e.data.of)}#${String(e.data.attempt)}`,
    );
}

export function logLines(log: MachineLogEntry[], stepId: string): string {
  return log
    .filter((e) => e.kind === 'log' && e.data.stepId === stepId)
    .flatMap((e) => e.data.lines as string[])
    .join('\n');
}

export const stepsBut = (d: MachineDetail, id: string) => d.steps.filter((x) => x.id !== id);

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
