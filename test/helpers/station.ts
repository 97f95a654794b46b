import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../main/config/load.js';
import { Station } from '../../main/station.js';

export interface TestStation {
  station: Station;
  dataDir: string;
  uiUrl: string;
  benchUrl: string;
  token: string;
  /** fetch against the UI listener with the token. */
  api: (p: string, init?: RequestInit) => Promise<Response>;
  stop: () => Promise<void>;
}

/** A real station in-process on free loopback ports, with a fresh data dir. */
export async function startTestStation(flags: string[] = []): Promise<TestStation> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-test-'));
  const { options } = loadConfig(
    ['--data-dir', dataDir, '--http-port', '0', '--ui-port', '0', '--tftp-port', '0', ...flags],
    {},
  );
  const station = await Station.start(options, { stdoutLog: false });
  const token = station.ctx.uiToken;
  const uiUrl = station.uiUrl;
  return {
    station,
    dataDir,
    uiUrl,
    benchUrl: station.ctx.benchUrl,
    token,
    api: (p, init = {}) =>
      fetch(uiUrl + p, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      }),
    stop: async () => {
      await station.stop();
      // The log transport (a worker thread) may still be closing its file: retry for up to
      // 5 s (1 s was too short once on a loaded CI machine, ENOTEMPTY).
      fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 50, retryDelay: 100 });
    },
  };
}
