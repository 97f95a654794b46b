import { findEdition } from '../../media/types.js';
import type { ChosenPack } from '../../drivers/types.js';
import { RenderError, filesUrl, machineUrl, type RenderContext } from './context.js';
import {
  WINDOWS_AGENT_DIR,
  WINDOWS_AGENT_TASK,
  renderAutounattend,
  windowsTarget,
} from './autounattend.js';
import { diskpartLayout } from './winpe-disk.js';
import {
  DRIVERS_DIR,
  PE_DRIVERS_DIR,
  renderApplyCmd,
  renderDeployCmd,
  type DeployPlan,
} from './winpe-deploy.js';

/**
 * The files wimboot injects into WinPE's X:\Windows\System32 (WINDOWS.md §1-2), rendered
 * for one machine. winpeshl.ini starts deploy.cmd instead of Setup; deploy.cmd applies the
 * image itself (winpe-deploy.ts); unattend.xml goes to the new Windows' Panther folder.
 */
export interface WinpeFiles {
  'winpeshl.ini': string;
  'deploy.cmd': string;
  'ps-apply.cmd': string;
  'ps-gpt.txt': string;
  'ps-mbr.txt': string;
  'ps-pedrivers.curl': string;
  'ps-drivers.curl': string;
  'unattend.xml': string;
  'prepstation-start.cmd': string;
  'prepstation-setupcomplete.cmd': string;
}

export const WINPE_FILE_NAMES: readonly (keyof WinpeFiles)[] = [
  'winpeshl.ini',
  'deploy.cmd',
  'ps-apply.cmd',
  'ps-gpt.txt',
  'ps-mbr.txt',
  'ps-pedrivers.curl',
  'ps-drivers.curl',
  'unattend.xml',
  'prepstation-start.cmd',
  'prepstation-setupcomplete.cmd',
];

const crlf = (lines: string[]): string => lines.join('\r\n') + '\r\n';

/**
 * A value inside double quotes in a .cmd file: & | < > ^ are literal there, % must be
 * doubled. A double quote cannot be escaped reliably for cmd, so it is refused with a
 * message instead of producing a script that does something else.
 */
export function cmdQuoted(value: string, what: string): string {
  if (/["\r\n]/.test(value)) {
    throw new RenderError(
      'bad_value',
      `${what} cannot contain a double quote or a line break (Windows cmd.exe cannot pass it safely)`,
    );
  }
  return `"${value.replace(/%/g, '%%')}"`;
}

/** The medium, the edition and the driver packs for this machine, or a reason it cannot be. */
export function deployPlan(rc: RenderContext): DeployPlan {
  const target = windowsTarget(rc.profile);
  const media = rc.media;
  if (!media) {
    throw new RenderError(
      'unsupported',
      `the medium "${target.media}" is not in the media library: import it on the Media screen (prepstation media import)`,
    );
  }
  if (!media.winpe.curl) {
    throw new RenderError(
      'unsupported',
      `the medium ${media.id} has no curl.exe for WinPE (Windows 10 1803 or later is needed)`,
    );
  }
  const edition = findEdition(media, target.edition);
  if (!edition) {
    throw new RenderError(
      'bad_value',
      `the medium ${media.id} has no edition "${target.edition}"; it has ${media.editions.map((e) => e.name).join(', ')}`,
    );
  }
  if (!rc.profile.disk.wipe) {
    throw new RenderError(
      'unsupported',
      'Windows installs apply the image to a wiped disk: set disk.wipe to true',
    );
  }
  const packs = rc.drivers ?? [];
  return {
    media,
    edition,
    pePacks: packs.filter((c) => c.pack.winpe),
    osPacks: packs.filter((c) => !c.pack.winpe),
  };
}

/** curl -K config: one url/output pair per file of each pack (curl reads \\ as \ here). */
export function curlConfig(rc: RenderContext, packs: ChosenPack[], dir: string): string {
  const lines = ['# PrepStation: driver pack files for this machine (curl -K).'];
  for (const { pack, files } of packs) {
    for (const f of files) {
      const out = `${dir}\\${pack.id}\\${f.rel.split('/').join('\\')}`;
      lines.push(
        `url = "${filesUrl(rc, `${pack.dir}/files/${f.rel}`)}"`,
        `output = "${out.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
      );
    }
  }
  return crlf(lines);
}

export function renderWinpeFiles(rc: RenderContext): WinpeFiles {
  const plan = deployPlan(rc);
  const url = machineUrl(rc);

  const winpeshl = crlf([
    '[LaunchApps]',
    '%SYSTEMROOT%\\System32\\cmd.exe, /c %SYSTEMROOT%\\System32\\deploy.cmd',
  ]);

  const agent = `${WINDOWS_AGENT_DIR}\\agent.ps1`;
  const start = crlf([
    '@echo off',
    `rem PrepStation agent start for machine ${rc.machine.id}; runs as SYSTEM at every boot.`,
    'for /l %%i in (1,1,30) do (',
    `  if exist "${agent}" goto run`,
    `  powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "$ProgressPreference='SilentlyContinue'; Invoke-WebRequest -UseBasicParsing -Uri '${url.replace(/%/g, '%%')}/agent.ps1' -OutFile '${agent}.part'; Move-Item -Force '${agent}.part' '${agent}'"`,
    `  if not exist "${agent}" ping -n 11 127.0.0.1 >nul`,
    ')',
    ':run',
    `powershell.exe -NoProfile -ExecutionPolicy Bypass -File "${agent}"`,
  ]);

  const setupComplete = crlf([
    '@echo off',
    'rem PrepStation: start the agent once right after setup (it also starts at every boot).',
    `schtasks.exe /run /tn ${WINDOWS_AGENT_TASK}`,
  ]);

  const recovery = rc.profile.disk.recovery;
  return {
    'winpeshl.ini': winpeshl,
    'deploy.cmd': renderDeployCmd(rc, plan, `${url}/winpe`),
    'ps-apply.cmd': renderApplyCmd(plan),
    'ps-gpt.txt': diskpartLayout('gpt', recovery),
    'ps-mbr.txt': diskpartLayout('mbr', recovery),
    'ps-pedrivers.curl': curlConfig(rc, plan.pePacks, PE_DRIVERS_DIR),
    'ps-drivers.curl': curlConfig(rc, plan.osPacks, DRIVERS_DIR),
    'unattend.xml': renderAutounattend(rc),
    'prepstation-start.cmd': start,
    'prepstation-setupcomplete.cmd': setupComplete,
  };
}

/** Files from the medium that wimboot injects beside ours: curl.exe and the DLLs it needs. */
export function winpeMediaFiles(rc: RenderContext): { name: string; path: string }[] {
  const media = rc.media;
  if (!media?.winpe.curl) return [];
  return [media.winpe.curl, ...media.winpe.dlls].map((path) => ({
    name: path.split('/').at(-1)!,
    path,
  }));
}
