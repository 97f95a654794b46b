import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderWinpeFiles } from '../../../main/profiles/render/winpe.js';
import type { RenderContext } from '../../../main/profiles/render/context.js';
import { commandUnavailable, requireOrSkip } from '../../helpers/env.js';
import {
  germanProfile,
  mediaRecord,
  osPack,
  pePack,
  windowsContext,
} from '../../helpers/winpe-fixtures.js';
import { reports, setupWine, toolCalls, wineBinary, type Wine } from './wine-harness.js';

/**
 * deploy.cmd and the scripts it calls, run for real by Wine's cmd with recording stand-ins
 * for the WinPE tools (standin.c): which commands run, with which arguments, in which order,
 * and that the first failing one stops the flow with its code reported and nothing after it.
 */

const skip = requireOrSkip(
  wineBinary() ? null : 'wine64 is not installed (Debian package wine64)',
  commandUnavailable('x86_64-w64-mingw32-gcc', 'gcc-mingw-w64-x86-64'),
);

const BYTES = 4700;
const reg = (type: string) =>
  `\r\nHKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Control\r\n    PEFirmwareType    REG_DWORD    ${type}\r\n\r\n`;
const disk = (i: number, iface: string, media: string, model: string, size: string) =>
  [`Index=${i}`, `InterfaceType=${iface}`, `MediaType=${media}`, `Model=${model}`, `Size=${size}`]
    .map((l) => `${l}\r\r\n`)
    .join('') + '\r\r\n';
const USB = disk(0, 'USB', 'Removable Media', 'SanDisk Ultra', '32000000000');
const SMALL = disk(1, 'SCSI', 'Fixed hard disk media', 'Small SSD', '64000000000');
const NVME = disk(2, 'SCSI', 'Fixed hard disk media', 'Samsung SSD 980 PRO', '1000204886016');
const SATA = disk(3, 'IDE', 'Fixed hard disk media', 'WDC WD5000', '500107862016');
const DISM_OUT =
  '[==   10.0%   ]\r[=====   37.0%   ]\r[==========100.0%==========]\r\nThe operation completed successfully.\r\n';

function rules(
  over: { fw?: string; dism?: string; curl?: string[]; disks?: string; dismAction?: string } = {},
) {
  return {
    rules: [
      'reg|PEFirmwareType|0|reg.txt||0',
      'wmic|diskdrive|0|disks.txt||0',
      ...(over.curl ?? ['curl|sources/install|0||append:4700|0']),
      'curl|-K|0||curlK|0',
      `dism|/Apply-Image|${over.dism ?? '0'}|dism.txt|${over.dismAction ?? ''}|0`,
    ],
    extra: {
      'reg.txt': reg(over.fw ?? '0x2'),
      'disks.txt': over.disks ?? USB + SMALL + NVME + SATA,
      'dism.txt': DISM_OUT,
    },
  };
}

// Wine starts in ~4 s on a quiet machine; a loaded CI machine (two test files at once) is slower.
describe.skipIf(skip)('deploy.cmd under Wine', { timeout: 120_000 }, () => {
  let wine: Wine;
  beforeAll(() => {
    wine = setupWine();
  }, 240_000);
  afterAll(() => wine?.dispose());

  const run = (rc: RenderContext, r = rules()) => wine.run(renderWinpeFiles(rc), r.rules, r.extra);

  it('UEFI, .wim, WinPE and OS driver packs: every step in order, then a reboot', () => {
    // DISM takes 1.5 s here, so deploy.cmd polls it and reports its output at least once.
    const s = run(
      windowsContext({ media: mediaRecord('wim', BYTES), drivers: [pePack(), osPack()] }),
      rules({ dismAction: 'sleep:1500' }),
    );
    expect(toolCalls(s.calls)).toEqual([
      'wpeinit',
      'wpeutil WaitForNetwork',
      'curl -f -sS --fail-early --retry 5 --retry-delay 3 --retry-connrefused --create-dirs -K X:\\Windows\\System32\\ps-pedrivers.curl',
      'drvload X:\\PrepStation\\pedrivers\\dell-5440-winpe\\net\\e1d.inf',
      'drvload X:\\PrepStation\\pedrivers\\dell-5440-winpe\\storage\\iaStorVD.inf',
      'wpeutil UpdateBootInfo',
      'reg query HKLM\\System\\CurrentControlSet\\Control /v PEFirmwareType',
      'wmic diskdrive get Index /value',
      'wmic diskdrive get Index,InterfaceType,MediaType,Model,Size /value',
      'diskpart /s X:\\PrepStation\\diskpart.txt',
      'curl -f -sS -C - --connect-timeout 10 -m 15 -o W:\\PrepStation\\image\\install.wim http://192.168.50.1:8080/files/media/win11-24h2/sources/install.wim',
      'dism /Apply-Image /ImageFile:W:\\PrepStation\\image\\install.wim /Index:6 /ApplyDir:W:\\',
      'curl -f -sS --fail-early --retry 5 --retry-delay 3 --retry-connrefused --create-dirs -K X:\\Windows\\System32\\ps-drivers.curl',
      'dism /Image:W:\\ /Add-Driver /Driver:W:\\PrepStation\\drivers /Recurse',
      'bcdboot W:\\Windows /s S: /f UEFI',
      'wpeutil reboot',
    ]);
    // The first fixed disk of at least 100 GB: not the USB stick, not the 64 GB one.
    const script = s.calls.filter((c) => c[0] === 'diskpart-script').map((c) => c[1]);
    expect(script.slice(0, 4)).toEqual([
      'select disk 2',
      'clean',
      'convert gpt',
      'create partition efi size=300',
    ]);
    // How often the apply is polled depends on how fast the background DISM ends: progress
    // reports are checked apart from the order of the phases.
    const all = reports(s.calls);
    expect(all.filter((r) => r.phase === 'download' && r.status === 'progress')).toHaveLength(1);
    const applying = all.filter((r) => r.phase === 'apply' && r.status === 'progress');
    expect(applying.length).toBeGreaterThan(0);
    expect(applying[0]!.out).toBe('@X:\\PrepStation\\apply.out');
    const phases = all.filter((r) => r.status !== 'progress').map((r) => `${r.phase}:${r.status}`);
    expect(phases).toEqual([
      'network:done',
      'pe-drivers:started',
      'pe-drivers:done',
      'firmware:started',
      'firmware:done',
      'disk:started',
      'disk:done',
      'partition:started',
      'partition:done',
      'download:started',
      'download:done',
      'apply:started',
      'apply:done',
      'unattend:started',
      'unattend:done',
      'drivers:started',
      'drivers:done',
      'boot:started',
      'boot:done',
      'reboot:done',
    ]);
    const r = reports(s.calls);
    expect(r[0]).toMatchObject({
      media: 'win11-24h2',
      edition: 'Windows 11 Pro',
      index: '6',
      image: 'wim',
      pePacks: 'dell-5440-winpe',
      packs: 'dell-5440',
    });
    expect(r.find((x) => x.phase === 'disk' && x.status === 'done')).toMatchObject({
      disk: '2',
      sizeGB: '1000',
    });
    // The answer file and the agent's start are in the new Windows; the download is gone.
    expect(fs.readFileSync(path.join(s.w, 'Windows/Panther/unattend.xml'), 'utf8')).toContain(
      '<settings pass="oobeSystem">',
    );
    expect(fs.existsSync(path.join(s.w, 'PrepStation/start.cmd'))).toBe(true);
    expect(fs.existsSync(path.join(s.w, 'Windows/Setup/Scripts/SetupComplete.cmd'))).toBe(true);
    expect(fs.existsSync(path.join(s.w, 'PrepStation/image'))).toBe(false);
    expect(fs.existsSync(path.join(s.w, 'PrepStation/drivers'))).toBe(false);
  });

  it('BIOS, .esd, no packs, the largest disk: MBR, bcdboot /f BIOS, driver phases skipped', () => {
    const rc = windowsContext({ firmware: 'bios', media: mediaRecord('esd', BYTES), drivers: [] });
    rc.profile = germanProfile({ select: 'largest', recovery: true });
    const s = run(rc, rules({ fw: '0x1' }));
    const tools = toolCalls(s.calls);
    expect(tools.filter((t) => /^(drvload|curl .*-K)/.test(t))).toEqual([]);
    expect(tools).toContain(
      'dism /Apply-Image /ImageFile:W:\\PrepStation\\image\\install.esd /Index:6 /ApplyDir:W:\\',
    );
    expect(tools.slice(-2)).toEqual(['bcdboot W:\\Windows /s S: /f BIOS', 'wpeutil reboot']);
    const script = s.calls.filter((c) => c[0] === 'diskpart-script').map((c) => c[1]);
    expect(script).toEqual([
      'select disk 2',
      'clean',
      'create partition primary size=500',
      'format quick fs=ntfs label="System"',
      'assign letter="S"',
      'active',
      'create partition primary',
      'shrink minimum=1000',
      'format quick fs=ntfs label="Windows"',
      'assign letter="W"',
      'create partition primary',
      'format quick fs=ntfs label="Recovery"',
      'assign letter="R"',
      'set id=27',
      'list volume',
      'exit',
    ]);
    const skipped = reports(s.calls)
      .filter((r) => r.status === 'skipped')
      .map((r) => r.phase);
    expect(skipped).toEqual(['pe-drivers', 'drivers']);
  });

  it('.swm: every part downloaded, applied with /SWMFile; a slow download resumes (-C -) and reports its bytes', () => {
    const s = run(
      windowsContext({ media: mediaRecord('swm', BYTES), drivers: [] }),
      rules({
        curl: [
          // install.swm: two 15 s slices end in curl's timeout (28), then the rest.
          'curl|install.swm|28||append:1000|2',
          'curl|install.swm|0||append:500|1',
          'curl|install2.swm|0||append:1500|1',
          'curl|install3.swm|0||append:1200|1',
        ],
      }),
    );
    const tools = toolCalls(s.calls);
    expect(
      tools
        .filter((t) => t.startsWith('curl -f -sS -C -'))
        .map((t) => t.split(' ').at(-1)!.split('/').at(-1)),
    ).toEqual(['install.swm', 'install.swm', 'install.swm', 'install2.swm', 'install3.swm']);
    expect(tools).toContain(
      'dism /Apply-Image /ImageFile:W:\\PrepStation\\image\\install.swm /SWMFile:W:\\PrepStation\\image\\install*.swm /Index:6 /ApplyDir:W:\\',
    );
    const progress = reports(s.calls).filter(
      (r) => r.phase === 'download' && r.status === 'progress',
    );
    expect(progress.map((r) => [r.part, r.bytes, r.before])).toEqual([
      ['1', '1000', '0'],
      ['1', '2000', '0'],
      ['1', '2500', '0'],
      ['2', '1500', '1566'],
      ['3', '1200', '3132'],
    ]);
    expect(tools.at(-1)).toBe('wpeutil reboot');
  });

  // Each failing stand-in: the flow stops there, the failure is reported with its code, and
  // nothing after it runs (above all no bcdboot and no reboot).
  it('no disk fits: stops before diskpart with the rule and every disk in the report', () => {
    const s = run(
      windowsContext({ media: mediaRecord('wim', BYTES) }),
      rules({ disks: USB + SMALL }),
    );
    const tools = toolCalls(s.calls);
    expect(tools.at(-1)).toBe('wmic diskdrive get Index,InterfaceType,MediaType,Model,Size /value');
    const fail = reports(s.calls).at(-1)!;
    expect(fail).toMatchObject({ phase: 'disk', status: 'failed', code: '1' });
    expect(fail.detail).toBe(
      'no disk fits: the rule is the first disk that is internal (not USB, not removable), at least 100 GB',
    );
    expect(fail.log).toBe('@X:\\PrepStation\\step.log');
    const log = fs.readFileSync(path.join(s.dir, 'x/PrepStation/step.log'), 'utf8');
    expect(log).toContain('disk 0 USB 32 GB SanDisk Ultra: no, on USB');
    expect(log).toContain('disk 1 SCSI 64 GB Small SSD: no, 64 GB is less than 100 GB');
    expect(s.stdout).toContain('disk failed with code 1');
  });

  it('a WinPE driver that does not load is counted and said; a layout the firmware cannot start stops', () => {
    const rc = windowsContext({ media: mediaRecord('wim', BYTES), drivers: [pePack()] });
    rc.profile = germanProfile({ layout: 'mbr' });
    const r = rules();
    r.rules.unshift('drvload|e1d.inf|5||');
    const s = wine.run(renderWinpeFiles(rc), r.rules, r.extra);
    const all = reports(s.calls);
    expect(all.find((x) => x.phase === 'pe-drivers' && x.status === 'done')!.detail).toBe(
      '1 INF file(s) did not load (see the log)',
    );
    expect(all.at(-1)).toMatchObject({ phase: 'firmware', status: 'failed', code: '1' });
    expect(all.at(-1)!.detail).toMatch(/wants a MBR disk, which UEFI firmware cannot start/);
    expect(toolCalls(s.calls).some((t) => t.startsWith('wmic') || t.startsWith('diskpart'))).toBe(
      false,
    );
  });

  it('no working wmic in WinPE: says so instead of "no disk fits"', () => {
    const r = rules();
    r.rules.unshift('wmic||9009||');
    const s = wine.run(
      renderWinpeFiles(windowsContext({ media: mediaRecord('wim', BYTES) })),
      r.rules,
      r.extra,
    );
    expect(toolCalls(s.calls).at(-1)).toBe('wmic diskdrive get Index /value');
    expect(reports(s.calls).at(-1)).toMatchObject({ phase: 'disk', status: 'failed', code: '1' });
    expect(reports(s.calls).at(-1)!.detail).toMatch(
      /^wmic.exe does not work in this WinPE \(code 9009\)/,
    );
  });

  it('download refused (curl 22): five tries, then the code; no DISM', () => {
    const s = run(
      windowsContext({ media: mediaRecord('wim', BYTES) }),
      rules({ curl: ['curl|sources/install|22||'] }),
    );
    const tools = toolCalls(s.calls);
    expect(tools.filter((t) => t.startsWith('curl -f -sS -C -'))).toHaveLength(5);
    expect(
      tools.some((t) => t.startsWith('dism') || t.startsWith('bcdboot') || t === 'wpeutil reboot'),
    ).toBe(false);
    expect(reports(s.calls).at(-1)).toMatchObject({
      phase: 'download',
      status: 'failed',
      code: '22',
      detail: 'the download of install.wim failed 5 times in a row, curl exit code 22',
    });
  });

  it('DISM exit 1392: the apply fails with 1392, no drivers, no bcdboot, no reboot', () => {
    const s = run(
      windowsContext({ media: mediaRecord('wim', BYTES), drivers: [osPack()] }),
      rules({ dism: '1392' }),
    );
    const tools = toolCalls(s.calls);
    expect(tools.at(-1)).toBe(
      'dism /Apply-Image /ImageFile:W:\\PrepStation\\image\\install.wim /Index:6 /ApplyDir:W:\\',
    );
    expect(reports(s.calls).at(-1)).toMatchObject({
      phase: 'apply',
      status: 'failed',
      code: '1392',
    });
    expect(fs.existsSync(path.join(s.w, 'Windows/Panther/unattend.xml'))).toBe(false);
    expect(s.stdout).toContain('apply failed with code 1392');
  });
});
