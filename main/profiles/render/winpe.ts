import { RenderError, machineUrl, stationHost, type RenderContext } from './context.js';
import { WINDOWS_AGENT_DIR, WINDOWS_AGENT_TASK, windowsTarget } from './autounattend.js';

/**
 * The files wimboot injects into WinPE's X:\Windows\System32 (WINDOWS.md §1-2):
 * winpeshl.ini starts deploy.cmd instead of Setup's own UI; deploy.cmd maps the install
 * share, runs setup.exe with our answer file, then copies the agent's start script into
 * the new Windows before rebooting.
 */
export interface WinpeFiles {
  'winpeshl.ini': string;
  'deploy.cmd': string;
  'prepstation-start.cmd': string;
  'prepstation-setupcomplete.cmd': string;
}

const crlf = (lines: string[]): string => lines.join('\r\n') + '\r\n';

/**
 * A value inside double quotes in a .cmd file: & | < > ^ are literal there, % must be
 * doubled. A double quote cannot be escaped reliably for both cmd and net.exe, so it is
 * refused with a message instead of producing a script that does something else.
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

export function renderWinpeFiles(rc: RenderContext): WinpeFiles {
  const target = windowsTarget(rc.profile);
  const share = target.share.path.replace(/\{station\}/g, stationHost(rc));
  const pw = rc.secrets.get(target.share.password.secret);
  const url = machineUrl(rc);
  const sys = 'X:\\Windows\\System32';

  const winpeshl = crlf([
    '[LaunchApps]',
    '%SYSTEMROOT%\\System32\\wpeinit.exe',
    '%SYSTEMROOT%\\System32\\cmd.exe, /c %SYSTEMROOT%\\System32\\deploy.cmd',
  ]);

  const deploy = crlf([
    '@echo off',
    `rem PrepStation: WinPE start for machine ${rc.machine.id}, profile ${rc.profile.id}.`,
    'setlocal EnableExtensions',
    'wpeutil InitializeNetwork >nul 2>&1',
    'wpeutil WaitForNetwork >nul 2>&1',
    'echo PrepStation: connecting to the install share...',
    'for /l %%i in (1,1,12) do (',
    `  net use Z: ${cmdQuoted(share, 'the share path')} ${cmdQuoted(pw, 'the share password')} /user:${cmdQuoted(target.share.username, 'the share user')} /persistent:no >nul 2>&1 && goto mapped`,
    '  ping -n 6 127.0.0.1 >nul',
    ')',
    `echo PrepStation: cannot connect to ${share.replace(/%/g, '%%').replace(/[&|<>^]/g, '^$&')}. Check the share and its user, then type exit to retry.`,
    'cmd /k',
    `goto :eof`,
    ':mapped',
    'echo PrepStation: running Windows Setup...',
    `Z:\\setup.exe /unattend:${sys}\\autounattend.xml /noreboot`,
    'set "W="',
    'for %%d in (C D E F G H I J K L M N O P Q R S T U V W Y) do (',
    '  if not defined W if exist %%d:\\Windows\\System32\\config\\SYSTEM set "W=%%d:"',
    ')',
    'if not defined W (',
    '  echo PrepStation: Setup did not leave a Windows installation; see X:\\Windows\\Panther\\setupact.log',
    '  cmd /k',
    '  goto :eof',
    ')',
    `mkdir "%W%${WINDOWS_AGENT_DIR.slice(2)}" 2>nul`,
    `copy /y ${sys}\\prepstation-start.cmd "%W%${WINDOWS_AGENT_DIR.slice(2)}\\start.cmd" >nul`,
    'mkdir "%W%\\Windows\\Setup\\Scripts" 2>nul',
    `copy /y ${sys}\\prepstation-setupcomplete.cmd "%W%\\Windows\\Setup\\Scripts\\SetupComplete.cmd" >nul`,
    'net use Z: /delete /y >nul 2>&1',
    'wpeutil reboot',
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

  return {
    'winpeshl.ini': winpeshl,
    'deploy.cmd': deploy,
    'prepstation-start.cmd': start,
    'prepstation-setupcomplete.cmd': setupComplete,
  };
}
