import type { ChosenPack } from '../../drivers/types.js';
import type { MediaEdition, MediaRecord } from '../../media/types.js';
import { RenderError, filesUrl, type RenderContext } from './context.js';
import { WINDOWS_AGENT_DIR } from './autounattend.js';
import { LETTERS, chooseDiskSection, diskRuleText } from './winpe-disk.js';

/**
 * deploy.cmd, the WinPE side of a Windows install (WINDOWS.md §0 and §2 route B): network,
 * WinPE drivers, firmware, disk, partitions, image download, apply, answer file, drivers,
 * boot files, reboot. Every phase is POSTed to the station (docs/agent-protocol.md,
 * "WinPE progress"); the first failure stops the flow, is reported with its exit code and
 * log, and leaves the machine at a prompt in WinPE.
 *
 * bcdboot runs LAST, after the answer file and the drivers: until then the disk has no boot
 * entry, so whatever happens (a failure, a power cut) the machine can never start a
 * half-written Windows; it network-boots again instead.
 *
 * Written for cmd.exe and for Wine's cmd (the CI runs it there, see test/wine): no
 * substrings in !delayed! expansion, no exit codes from other .cmd files (Wine returns 1),
 * no quote characters in for /f delimiters, every tool called by its bare name.
 */

export const WORK = 'X:\\PrepStation';
const W = `${LETTERS.windows}:`;
export const IMAGE_DIR = `${W}\\PrepStation\\image`;
export const DRIVERS_DIR = `${W}\\PrepStation\\drivers`;
export const PE_DRIVERS_DIR = `${WORK}\\pedrivers`;
/** Seconds one curl run may take before deploy.cmd reports the bytes so far and resumes. */
export const DOWNLOAD_SLICE_S = 15;
/** An apply longer than this (10 s polls) is taken as hung. */
const APPLY_POLLS = 1440;

/** A value inside `set "NAME=value"`: % doubled; quotes and line breaks refused. */
function setValue(value: string, what: string): string {
  if (/["\r\n!]/.test(value)) {
    throw new RenderError(
      'bad_value',
      `${what} cannot contain ", ! or a line break (cmd.exe cannot pass it safely)`,
    );
  }
  return value.replace(/%/g, '%%');
}

/**
 * A form value that survives `call` (which expands % a second time): spaces as +, and only
 * letters, digits and - . _ besides; anything else is left out (the station has the names).
 */
function formValue(text: string): string {
  return text.replace(/[^A-Za-z0-9 ._-]/g, '').replace(/ /g, '+');
}

export interface DeployPlan {
  media: MediaRecord;
  edition: MediaEdition;
  pePacks: ChosenPack[];
  osPacks: ChosenPack[];
}

function base(path: string): string {
  return path.split('/').at(-1)!;
}

/** Lines that run one tool into the step log and stop the flow on a non-zero exit. */
function run(command: string): string[] {
  return [
    `${command} >>"%PS_LOG%" 2>&1`,
    'set "PS_RC=!errorlevel!"',
    'if not "!PS_RC!"=="0" goto fail',
  ];
}

function phase(name: string, extra = ''): string[] {
  return [
    '',
    `set "PS_PHASE=${name}"`,
    'type nul >"%PS_LOG%"',
    `call :report started${extra ? ` "${extra}"` : ''}`,
  ];
}

export function renderDeployCmd(rc: RenderContext, plan: DeployPlan, reportUrl: string): string {
  const { media, edition } = plan;
  const img = media.image;
  const disk = rc.profile.disk;
  const forced = disk.layout === 'auto' ? '' : disk.layout.toUpperCase();
  const packIds = (ps: ChosenPack[]) => ps.map((c) => c.pack.id).join(',');

  const download: string[] = [];
  let before = 0;
  img.parts.forEach((part, i) => {
    // `call` expands % a second time: a %XX escape in the URL would be eaten. Media paths are
    // ids and install*.wim|esd|swm, so this only guards against a future change.
    if (filesUrl(rc, part).includes('%')) {
      throw new RenderError(
        'bad_value',
        `the image path ${part} needs URL escapes, which deploy.cmd cannot pass`,
      );
    }
    // A split image's part sizes are not in the record: 0 = not checked, spread for progress.
    const size = img.parts.length === 1 ? img.bytes : 0;
    download.push(
      `set "F_PART=${i + 1}"`,
      `call :fetch "${setValue(filesUrl(rc, part), 'an image URL')}" "${IMAGE_DIR}\\${setValue(base(part), 'an image file name')}" ${size} ${before}`,
      'set "PS_RC=!errorlevel!"',
      'if not "!PS_RC!"=="0" goto fail',
    );
    before += img.parts.length === 1 ? img.bytes : partSize(media, i);
  });
  const lines = [
    '@echo off',
    `rem PrepStation WinPE deployment for machine ${rc.machine.id}, profile ${rc.profile.id}.`,
    'rem Rendered for this machine by the station; each phase is reported to it over HTTP.',
    'setlocal EnableExtensions EnableDelayedExpansion',
    'set "PS_HOME=%~dp0"',
    `set "PS_REPORT=${setValue(reportUrl, 'the station URL')}"`,
    `set "PS_WORK=${WORK}"`,
    `set "PS_LOG=${WORK}\\step.log"`,
    'set "PS_DETAIL="',
    `mkdir "${WORK}" 2>nul`,
    'echo PrepStation: starting the network...',
    'set "PS_PHASE=network"',
    'type nul >"%PS_LOG%"',
    ...run('wpeinit'),
    ...run('wpeutil WaitForNetwork'),
    `set "PS_DETAIL=${setValue(`${media.label}, ${edition.name}`, 'the medium label')}"`,
    `call :report done "media=${media.id}&edition=${formValue(edition.name)}&index=${edition.index}&image=${img.kind}&pePacks=${packIds(plan.pePacks)}&packs=${packIds(plan.osPacks)}"`,
  ];

  lines.push(...phase('pe-drivers', `packs=${packIds(plan.pePacks)}`));
  if (plan.pePacks.length === 0) {
    lines.push(
      `set "PS_DETAIL=no WinPE driver pack for ${setValue(`${rc.machine.vendor ?? '?'} ${rc.machine.model ?? '?'}`, 'the model')}: WinPE's own drivers only"`,
      'call :report skipped',
    );
  } else {
    lines.push(
      ...run(
        'curl -f -sS --fail-early --retry 5 --retry-delay 3 --retry-connrefused --create-dirs -K "%PS_HOME%ps-pedrivers.curl"',
      ),
      'set "PS_DRV_FAILED=0"',
      `for /r "${PE_DRIVERS_DIR}" %%i in (*.inf) do (`,
      '  drvload "%%i" >>"%PS_LOG%" 2>&1',
      '  if errorlevel 1 set /a PS_DRV_FAILED+=1',
      ')',
      'set "PS_DETAIL=!PS_DRV_FAILED! INF file(s) did not load (see the log)"',
      'if "!PS_DRV_FAILED!"=="0" set "PS_DETAIL="',
      'call :report done',
    );
  }

  lines.push(
    ...phase('firmware'),
    ...run('wpeutil UpdateBootInfo'),
    'set "PS_FW="',
    'for /f "tokens=1,2,3" %%a in (\'reg query HKLM\\System\\CurrentControlSet\\Control /v PEFirmwareType\') do (',
    '  if /i "%%a"=="PEFirmwareType" set "PS_FW=%%c"',
    ')',
    'set "PS_FIRMWARE="',
    'if "!PS_FW!"=="0x1" set "PS_FIRMWARE=BIOS"',
    'if "!PS_FW!"=="0x2" set "PS_FIRMWARE=UEFI"',
    'if not defined PS_FIRMWARE (',
    '  set "PS_RC=1"',
    '  set "PS_DETAIL=PEFirmwareType is !PS_FW!, neither 0x1 (BIOS) nor 0x2 (UEFI)"',
    '  goto fail',
    ')',
    'set "PS_LAYOUT=mbr"',
    'if "!PS_FIRMWARE!"=="UEFI" set "PS_LAYOUT=gpt"',
  );
  if (forced) {
    lines.push(
      `if /i not "!PS_LAYOUT!"=="${disk.layout}" (`,
      '  set "PS_RC=1"',
      `  set "PS_DETAIL=the profile wants a ${forced} disk, which !PS_FIRMWARE! firmware cannot start; set disk.layout to auto"`,
      '  goto fail',
      ')',
    );
  }
  lines.push(
    'set "PS_DETAIL=!PS_FIRMWARE!"',
    'call :report done "firmware=!PS_FIRMWARE!"',
    ...phase('disk'),
    'call :choose_disk',
    `copy /y "${WORK}\\disks.txt" "%PS_LOG%" >nul`,
    'if defined PS_DISK_ERROR (',
    '  set "PS_RC=1"',
    '  set "PS_DETAIL=!PS_DISK_ERROR!"',
    '  goto fail',
    ')',
    'if not defined PS_DISK (',
    '  set "PS_RC=1"',
    `  set "PS_DETAIL=no disk fits: the rule is ${setValue(diskRuleText(disk), 'the disk rule')}"`,
    '  goto fail',
    ')',
    'set "PS_DETAIL=!PS_DISK_TEXT!"',
    'call :report done "disk=!PS_DISK!&sizeGB=!PS_DISK_GB!"',
    ...phase('partition', 'disk=!PS_DISK!'),
    `>"${WORK}\\diskpart.txt" echo select disk !PS_DISK!`,
    `type "%PS_HOME%ps-!PS_LAYOUT!.txt" >>"${WORK}\\diskpart.txt"`,
    ...run(`diskpart /s ${WORK}\\diskpart.txt`),
    `if not exist ${W}\\nul (`,
    '  set "PS_RC=1"',
    `  set "PS_DETAIL=diskpart ended without a ${W} volume"`,
    '  goto fail',
    ')',
    'set "PS_DETAIL=!PS_LAYOUT!"',
    'call :report done "layout=!PS_LAYOUT!"',
    ...phase('download', `total=${img.bytes}&parts=${img.parts.length}`),
    `mkdir "${IMAGE_DIR}" 2>nul`,
    ...download,
    'call :report done',
    ...phase('apply', `index=${edition.index}`),
    `del "${WORK}\\apply.rc" 2>nul`,
    // In the background, so this script can read DISM's progress bar and report it.
    'start "" /b cmd /c "%PS_HOME%ps-apply.cmd"',
    'set "A_POLLS=0"',
    ':apply_wait',
    `if exist "${WORK}\\apply.rc" goto apply_end`,
    'set /a A_POLLS+=1',
    `if !A_POLLS! GTR ${APPLY_POLLS} (`,
    '  set "PS_RC=1460"',
    '  set "PS_DETAIL=DISM did not finish within 4 hours"',
    '  goto fail',
    ')',
    'ping -n 11 127.0.0.1 >nul',
    `call :report_file progress "out@${WORK}\\apply.out"`,
    'goto apply_wait',
    ':apply_end',
    `set /p PS_RC=<"${WORK}\\apply.rc"`,
    `copy /y "${WORK}\\apply.out" "%PS_LOG%" >nul`,
    'if not "!PS_RC!"=="0" goto fail',
    `rmdir /s /q "${IMAGE_DIR}"`,
    'call :report done',
    ...phase('unattend'),
    `mkdir ${W}\\Windows\\Panther 2>nul`,
    ...run(`copy /y "%PS_HOME%unattend.xml" ${W}\\Windows\\Panther\\unattend.xml`),
    `mkdir ${W}${WINDOWS_AGENT_DIR.slice(2)} 2>nul`,
    ...run(`copy /y "%PS_HOME%prepstation-start.cmd" ${W}${WINDOWS_AGENT_DIR.slice(2)}\\start.cmd`),
    `mkdir ${W}\\Windows\\Setup\\Scripts 2>nul`,
    ...run(
      `copy /y "%PS_HOME%prepstation-setupcomplete.cmd" ${W}\\Windows\\Setup\\Scripts\\SetupComplete.cmd`,
    ),
    'call :report done',
    ...phase('drivers', `packs=${packIds(plan.osPacks)}`),
  );
  if (plan.osPacks.length === 0) {
    lines.push(
      `set "PS_DETAIL=no driver pack for ${setValue(`${rc.machine.vendor ?? '?'} ${rc.machine.model ?? '?'}`, 'the model')}: Windows' own drivers only"`,
      'call :report skipped',
    );
  } else {
    lines.push(
      ...run(
        'curl -f -sS --fail-early --retry 5 --retry-delay 3 --retry-connrefused --create-dirs -K "%PS_HOME%ps-drivers.curl"',
      ),
      ...run(`dism /Image:${W}\\ /Add-Driver /Driver:${DRIVERS_DIR} /Recurse`),
      `rmdir /s /q "${DRIVERS_DIR}"`,
      'call :report done',
    );
  }
  lines.push(
    ...phase('boot', 'firmware=!PS_FIRMWARE!'),
    ...run(`bcdboot ${W}\\Windows /s ${LETTERS.system}: /f !PS_FIRMWARE!`),
    'call :report done',
    '',
    'set "PS_PHASE=reboot"',
    'call :report done',
    'echo PrepStation: Windows is on the disk; restarting into it.',
    'wpeutil reboot',
    'exit /b 0',
    '',
    ':fail',
    'set "PS_FAILED=!PS_RC!"',
    'echo PrepStation: !PS_PHASE! failed with code !PS_FAILED!. !PS_DETAIL!',
    'curl -s -o nul -m 30 --retry 5 --retry-delay 3 --retry-connrefused -d "phase=!PS_PHASE!&status=failed&code=!PS_FAILED!" --data-urlencode "detail=!PS_DETAIL!" --data-urlencode "log@%PS_LOG%" "%PS_REPORT%" >nul 2>&1',
    "echo The station shows this on the machine's row. Nothing was made bootable: this PC",
    'echo stays here in WinPE. Type exit to restart it (it network-boots again).',
    'cmd /k',
    'exit /b !PS_FAILED!',
    '',
    ':report',
    'rem %1 started|progress|done|skipped, %2 more form fields (already encoded).',
    'curl -s -o nul -m 20 --retry 3 --retry-delay 2 --retry-connrefused -d "phase=!PS_PHASE!&status=%~1&%~2" --data-urlencode "detail=!PS_DETAIL!" "%PS_REPORT%" >nul 2>&1',
    'set "PS_DETAIL="',
    'exit /b 0',
    '',
    ':report_file',
    'rem %1 status, %2 name@file: the file goes with the report (DISM output: the station reads the %).',
    'curl -s -o nul -m 20 --retry 2 --retry-delay 2 -d "phase=!PS_PHASE!&status=%~1" --data-urlencode "%~2" "%PS_REPORT%" >nul 2>&1',
    'exit /b 0',
    '',
    ':fetch',
    'rem %1 URL, %2 file, %3 its size (0: not known, a part of a split image), %4 bytes of the',
    `rem parts before it. Resumes (-C -) in slices of ${DOWNLOAD_SLICE_S} s so the bytes so far are reported;`,
    'rem 5 failed tries in a row stop it. A .done file beside it says it is complete.',
    'set "F_TRIES=0"',
    'set "F_LAST=-1"',
    'if exist "%~2.done" exit /b 0',
    ':fetch_again',
    `curl -f -sS -C - --connect-timeout 10 -m ${DOWNLOAD_SLICE_S} -o "%~2" "%~1" >>"%PS_LOG%" 2>&1`,
    'set "F_RC=!errorlevel!"',
    'set "F_HAVE=0"',
    'if exist "%~2" for %%F in ("%~2") do set "F_HAVE=%%~zF"',
    'call :report progress "part=!F_PART!&bytes=!F_HAVE!&before=%~4"',
    'if "!F_RC!"=="0" (',
    '  if not "%~3"=="0" if not "!F_HAVE!"=="%~3" (',
    '    set "PS_DETAIL=the station sent !F_HAVE! bytes of %~nx2, expected %~3; was the medium imported again?"',
    '    exit /b 1',
    '  )',
    '  type nul >"%~2.done"',
    '  exit /b 0',
    ')',
    'if "!F_RC!"=="28" if not "!F_HAVE!"=="!F_LAST!" (',
    '  set "F_LAST=!F_HAVE!"',
    '  set "F_TRIES=0"',
    '  goto fetch_again',
    ')',
    'set /a F_TRIES+=1',
    'set "F_LAST=!F_HAVE!"',
    'if !F_TRIES! GEQ 5 (',
    '  set "PS_DETAIL=the download of %~nx2 failed 5 times in a row, curl exit code !F_RC!"',
    '  exit /b !F_RC!',
    ')',
    'ping -n 6 127.0.0.1 >nul',
    'goto fetch_again',
    '',
    ...chooseDiskSection(disk),
  );
  return lines.join('\r\n') + '\r\n';
}

/** ps-apply.cmd: DISM in the background, its output and exit code in files deploy.cmd reads. */
export function renderApplyCmd(plan: DeployPlan): string {
  const img = plan.media.image;
  const first = `${IMAGE_DIR}\\${base(img.path)}`;
  const swm =
    img.kind === 'swm'
      ? ` /SWMFile:${IMAGE_DIR}\\${base(img.path).replace(/\.swm$/i, '')}*.swm`
      : '';
  return (
    [
      '@echo off',
      'rem PrepStation: DISM for deploy.cmd, in the background so deploy.cmd can report its progress.',
      `dism /Apply-Image /ImageFile:${first}${swm} /Index:${plan.edition.index} /ApplyDir:${W}\\ >"${WORK}\\apply.out" 2>&1`,
      // Written beside and renamed: deploy.cmd polls for apply.rc and must never read it half-written.
      `>"${WORK}\\apply.rc.tmp" echo %errorlevel%`,
      `move /y "${WORK}\\apply.rc.tmp" "${WORK}\\apply.rc" >nul`,
    ].join('\r\n') + '\r\n'
  );
}

/** A split image's part sizes are not in the record; the whole is spread evenly for progress. */
function partSize(media: MediaRecord, i: number): number {
  const n = media.image.parts.length;
  const even = Math.floor(media.image.bytes / n);
  return i === n - 1 ? media.image.bytes - even * (n - 1) : even;
}
