import type { Disk } from '../schema.js';
import type { Firmware } from './context.js';

/**
 * The target disk and its partitions, for WinPE (deploy.cmd runs these; WINDOWS.md §2 B).
 *
 * The layouts follow Microsoft's sample diskpart scripts (MSL-D/
 * oem-deployment-of-windows-desktop-editions-sample-scripts, CreatePartitions-UEFI.txt and
 * CreatePartitions-BIOS.txt): GPT = EFI 300 MB (FAT32) + MSR 16 MB + Windows + optional
 * Recovery (type de94bba4-..., attributes 0x8000000000000001); MBR = System 500 MB (active)
 * + Windows + optional Recovery (id 27). The `select disk N` line is written by deploy.cmd
 * once it has chosen the disk at run time, so these files never name a disk themselves.
 */

export type PartitionStyle = 'gpt' | 'mbr';

/** Letters the flow uses while in WinPE: S system/EFI, W Windows, R recovery. */
export const LETTERS = { system: 'S', windows: 'W', recovery: 'R' } as const;
export const RECOVERY_MB = 1000;

/** The partition style a profile asks for on this firmware (auto: GPT on UEFI, MBR on BIOS). */
export function partitionStyle(disk: Disk, firmware: Firmware): PartitionStyle {
  if (disk.layout === 'gpt' || disk.layout === 'mbr') return disk.layout;
  return firmware === 'uefi' ? 'gpt' : 'mbr';
}

/** diskpart /s script body (after `select disk N`), CRLF like any Windows text file. */
export function diskpartLayout(style: PartitionStyle, recovery: boolean): string {
  const lines =
    style === 'gpt'
      ? [
          'clean',
          'convert gpt',
          'create partition efi size=300',
          'format quick fs=fat32 label="System"',
          `assign letter="${LETTERS.system}"`,
          'create partition msr size=16',
          'create partition primary',
          ...(recovery ? [`shrink minimum=${RECOVERY_MB}`] : []),
          'format quick fs=ntfs label="Windows"',
          `assign letter="${LETTERS.windows}"`,
          ...(recovery
            ? [
                'create partition primary',
                'format quick fs=ntfs label="Recovery"',
                `assign letter="${LETTERS.recovery}"`,
                'set id="de94bba4-06d1-4d40-a16a-bfd50179d6ac"',
                'gpt attributes=0x8000000000000001',
              ]
            : []),
          'list volume',
          'exit',
        ]
      : [
          'clean',
          'create partition primary size=500',
          'format quick fs=ntfs label="System"',
          `assign letter="${LETTERS.system}"`,
          'active',
          'create partition primary',
          ...(recovery ? [`shrink minimum=${RECOVERY_MB}`] : []),
          'format quick fs=ntfs label="Windows"',
          `assign letter="${LETTERS.windows}"`,
          ...(recovery
            ? [
                'create partition primary',
                'format quick fs=ntfs label="Recovery"',
                `assign letter="${LETTERS.recovery}"`,
                'set id=27',
              ]
            : []),
          'list volume',
          'exit',
        ];
  return lines.join('\r\n') + '\r\n';
}

/** The disk rule in words: what the bench and the log say when no disk fits. */
export function diskRuleText(disk: Disk): string {
  const parts = ['internal (not USB, not removable)', `at least ${disk.minSizeGB} GB`];
  if (disk.disk !== undefined) parts.push(`disk number ${disk.disk}`);
  if (disk.model) parts.push(`model contains "${disk.model}"`);
  const pick = { first: 'the first', smallest: 'the smallest', largest: 'the largest' }[
    disk.select
  ];
  return `${pick} disk that is ${parts.join(', ')}`;
}

/**
 * deploy.cmd's `:choose_disk` subroutine. It reads `wmic diskdrive ... /value` (one
 * `Name=value` line per property, properties in alphabetical order, so `Size` closes each
 * disk), writes every disk with the reason it was or was not taken into disks.txt, and sets
 * PS_DISK (empty: none fits). Sizes are compared in whole GB (10^9 bytes) by cutting the
 * last 9 digits off the byte count: cmd's arithmetic is 32-bit and a disk is not.
 */
export function chooseDiskSection(disk: Disk): string[] {
  return [
    ':choose_disk',
    'set "PS_DISK="',
    'set "PS_DISK_ERROR="',
    'set "PS_DISK_GB=0"',
    'set "PS_DISK_TEXT="',
    `set "PS_MIN_GB=${disk.minSizeGB}"`,
    `set "PS_SELECT=${disk.select}"`,
    `set "PS_PIN=${disk.disk ?? ''}"`,
    `set "PS_MODEL=${disk.model ?? ''}"`,
    'type nul >"%PS_WORK%\\disks.txt"',
    // wmic is an optional part of WinPE: without it say so, not "no disk fits".
    'wmic diskdrive get Index /value >nul 2>&1',
    'if errorlevel 1 (',
    '  set "PS_DISK_ERROR=wmic.exe does not work in this WinPE (code !errorlevel!): the disks cannot be listed; use a medium whose boot.wim has WMI"',
    '  exit /b 0',
    ')',
    // Passing a value through `call` drops the CR that wmic leaves at the end of each one
    // (its \r\r\n lines): cmd removes every CR when it parses the call.
    'for /f "tokens=1,* delims==" %%a in (\'wmic diskdrive get Index^,InterfaceType^,MediaType^,Model^,Size /value\') do (',
    '  call :disk_property "%%a" "%%b"',
    ')',
    'exit /b 0',
    '',
    ':disk_property',
    // Index comes first: it starts a disk and clears what the previous one left behind.
    'if /i "%~1"=="Index" set "D_INDEX=%~2" & set "D_IFACE=" & set "D_MEDIA=" & set "D_MODEL="',
    'if /i "%~1"=="InterfaceType" set "D_IFACE=%~2"',
    'if /i "%~1"=="MediaType" set "D_MEDIA=%~2"',
    'if /i "%~1"=="Model" set "D_MODEL=%~2"',
    'if /i "%~1"=="Size" call :consider_disk "%~2"',
    'exit /b 0',
    '',
    ':consider_disk',
    'set "D_SIZE=%~1"',
    'set "why="',
    'set "D_GB=%D_SIZE:~0,-9%"',
    'if "%D_GB%"=="" set "D_GB=0"',
    'if /i "%D_IFACE%"=="USB" set "why=on USB"',
    'if not defined why if /i not "%D_MEDIA%"=="Fixed hard disk media" set "why=not a fixed disk (%D_MEDIA%)"',
    'if not defined why if defined PS_PIN if not "%D_INDEX%"=="%PS_PIN%" set "why=the profile wants disk %PS_PIN%"',
    'if not defined why if %D_GB% LSS %PS_MIN_GB% set "why=%D_GB% GB is less than %PS_MIN_GB% GB"',
    'if not defined why if defined PS_MODEL if "!D_MODEL:%PS_MODEL%=!"=="!D_MODEL!" set "why=model is not %PS_MODEL%"',
    'if defined why (',
    '  >>"%PS_WORK%\\disks.txt" echo disk !D_INDEX! !D_IFACE! !D_GB! GB !D_MODEL!: no, !why!',
    '  exit /b 0',
    ')',
    '>>"%PS_WORK%\\disks.txt" echo disk !D_INDEX! !D_IFACE! !D_GB! GB !D_MODEL!: fits',
    'set "take="',
    'if not defined PS_DISK set "take=1"',
    'if /i "%PS_SELECT%"=="smallest" if defined PS_DISK if %D_GB% LSS %PS_DISK_GB% set "take=1"',
    'if /i "%PS_SELECT%"=="largest" if defined PS_DISK if %D_GB% GTR %PS_DISK_GB% set "take=1"',
    'if defined take (',
    '  set "PS_DISK=%D_INDEX%"',
    '  set "PS_DISK_GB=%D_GB%"',
    '  set "PS_DISK_TEXT=disk !D_INDEX! !D_IFACE! !D_GB! GB !D_MODEL!"',
    ')',
    'exit /b 0',
  ];
}
