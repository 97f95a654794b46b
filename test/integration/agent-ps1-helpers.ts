import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { agentScriptPath } from '../../main/agent/scripts/routes.js';
import { pwshEnv, pwshPath } from '../helpers/pwsh.js';
import type { AgentRun } from './agent-sh-helpers.js';

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
