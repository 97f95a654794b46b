import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineDetail, MachineSummary } from '../../../main/api/contract.js';
import { renderWinpeFiles } from '../../../main/profiles/render/winpe.js';
import { commandUnavailable, requireOrSkip } from '../../helpers/env.js';
import type { TestStation } from '../../helpers/station.js';
import { mediaRecord, osPack, windowsContext } from '../../helpers/winpe-fixtures.js';
import { startAcmeStation } from '../../helpers/fixtures.js';
import { curlRequest, setupWine, wineBinary, type Scenario, type Wine } from './wine-harness.js';

/**
 * deploy.cmd's own reports, replayed: Wine runs the script rendered for a machine of a real
 * station, the curl stand-in records every report, and the test sends each one as curl would
 * have, in order, from the machine's address. The row must follow, and a failure end it.
 */
const skip = requireOrSkip(
  wineBinary() ? null : 'wine64 is not installed (Debian package wine64)',
  commandUnavailable('x86_64-w64-mingw32-gcc', 'gcc-mingw-w64-x86-64'),
);

const BYTES = 4700;
const DISKS = [
  'Index=1',
  'InterfaceType=SCSI',
  'MediaType=Fixed hard disk media',
  'Model=Samsung SSD 980',
  'Size=512110190592',
]
  .map((l) => `${l}\r\r\n`)
  .join('');
const rules = (dism: string) => ({
  rules: [
    'reg|PEFirmwareType|0|reg.txt||0',
    'wmic|diskdrive|0|disks.txt||0',
    'curl|sources/install|0||append:4700|0',
    'curl|-K|0||curlK|0',
    `dism|/Apply-Image|${dism}|dism.txt|sleep:1200|0`,
  ],
  extra: {
    'reg.txt': '\r\n    PEFirmwareType    REG_DWORD    0x2\r\n',
    'disks.txt': DISKS,
    'dism.txt': '[==   10.0%   ]\r[=====   37.0%   ]\r\nError: 1392\r\n',
  },
});

// Wine starts in ~4 s on a quiet machine; a loaded CI machine (two test files at once) is slower.
describe.skipIf(skip)(
  'deploy.cmd reports replayed against a real station',
  { timeout: 120_000 },
  () => {
    let wine: Wine;
    let ts: TestStation;
    beforeAll(async () => {
      wine = setupWine();
      ts = await startAcmeStation();
    }, 240_000);
    afterAll(async () => {
      wine?.dispose();
      await ts?.stop();
    });

    async function machine(mac: string): Promise<{ id: string; token: string }> {
      const r = await ts.api('/api/v1/machines', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mac, profile: 'acme' }),
      });
      const id = ((await r.json()) as MachineSummary).id;
      const text = await (await fetch(`${ts.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`)).text();
      return { id, token: /\/t\/([A-Za-z0-9_-]+)/.exec(text)![1]! };
    }

    /** Sends every report the run recorded; returns the rows seen after each one. */
    async function replay(
      s: Scenario,
      id: string,
    ): Promise<{ statuses: number[]; rows: MachineSummary[] }> {
      const drives = { x: path.join(s.dir, 'x'), w: s.w };
      const statuses: number[] = [];
      const rows: MachineSummary[] = [];
      for (const call of s.calls.filter((c) => c[0] === 'curl' && c.at(-1)!.endsWith('/winpe'))) {
        const { url, body } = curlRequest(call, drives);
        const res = await fetch(url, {
          method: 'POST',
          // One connection per report, as each curl.exe run opens its own.
          headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' },
          body,
        }).catch((e: unknown) => {
          throw new Error(`POST ${body.slice(0, 60)}: ${String(e)}`);
        });
        statuses.push(res.status);
        const got = await ts
          .api(`/api/v1/machines/${id}`, { headers: { connection: 'close' } })
          .catch((e: unknown) => {
            throw new Error(`GET after ${body.slice(0, 60)}: ${String(e)}`);
          });
        rows.push(((await got.json()) as MachineDetail).machine);
      }
      return { statuses, rows };
    }

    it('a whole install: every report accepted, the row moves through download and apply to the restart', async () => {
      const m = await machine('52:54:00:00:15:c1');
      const rc = windowsContext({
        stationUrl: ts.benchUrl,
        token: m.token,
        media: mediaRecord('wim', BYTES),
        drivers: [osPack()],
      });
      const r = rules('0');
      const s = wine.run(renderWinpeFiles(rc), r.rules, r.extra);
      const { statuses, rows } = await replay(s, m.id);
      expect(
        statuses.every((x) => x === 204),
        statuses.join(','),
      ).toBe(true);
      const steps = rows.map((x) => x.step);
      expect(steps).toContain('Downloading image 0.0 of 0.0 GB');
      expect(steps).toContain('Applying image 37 %');
      expect(rows.at(-1)).toMatchObject({
        state: 'installing-os',
        step: 'Restarting into Windows',
        driverWarning: null,
      });
      // Once WinPE said it restarts, the same reports are refused.
      const again = await replay(s, m.id);
      expect(new Set(again.statuses)).toEqual(new Set([409]));
    });

    it("DISM 1392: the replayed failure ends the row with the code and DISM's words", async () => {
      const m = await machine('52:54:00:00:15:c2');
      const rc = windowsContext({
        stationUrl: ts.benchUrl,
        token: m.token,
        media: mediaRecord('wim', BYTES),
      });
      const r = rules('1392');
      const s = wine.run(renderWinpeFiles(rc), r.rules, r.extra);
      const { rows } = await replay(s, m.id);
      const last = rows.at(-1)!;
      expect(last.state).toBe('failed');
      expect(last.failure).toMatchObject({
        step: 'Windows install (WinPE)',
        reason: 'WinPE: applying image failed (code 1392)',
      });
      expect(last.driverWarning).toMatch(/^No driver pack/);
      const log = (await (await ts.api(`/api/v1/machines/${m.id}/log`)).json()) as {
        data: { kind: string; logTail?: string[] };
      }[];
      expect(
        log.map((e) => e.data).find((d) => d.kind === 'winpe' && d.logTail)!.logTail,
      ).toContain('Error: 1392');
    });
  },
);
